"""/quickcheck: a private, button-driven symptom check that asks red flags first, one by one.

The rules live in bot.triage (pure) and the questions in data/quickcheck.toml; this cog only
turns them into messages and buttons. Answers are kept in memory for the check and never stored.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord
from discord import app_commands
from discord.ext import commands

from bot.autocomplete import region_autocomplete
from bot.checks import add_bot_note, require_feature, settings_guild_id
from bot.client import ClientT, SciaticaBot, sciatica_interaction
from bot.embeds import FIELD_LIMIT, topic_embed
from bot.regions import RegionChoice, RegionSource, choose_region, numbers_text
from bot.routine import StretchRoutineView
from bot.triage import Answer, Assessment, Level, QuickCheckSession, encode_answers
from bot.views import OwnedView


class QuickCheckView(OwnedView):
    """One screen per step: one question, or a few of the same level with a row each;
    after the result, follow-up buttons where they fit."""

    def __init__(self, bot: SciaticaBot, owner_id: int, region: RegionChoice | None) -> None:
        super().__init__(bot, owner_id, command="/quickcheck")
        self.check = bot.content.quickcheck
        self.session = QuickCheckSession(self.check)
        self.region = region
        self.timeout_note = self._with_safety_net(self.check.ui["timeout"])
        self._question_buttons()

    # --- rendering -----------------------------------------------------------------------

    def question_embed(self) -> discord.Embed:
        ui = self.check.ui
        number, total = self.session.progress
        screen = self.session.screen
        if len(screen) == 1:
            description = screen[0].text
        else:
            lines = [ui["group_prompt"], ""]
            for index, question in enumerate(screen, start=1):
                chosen = self.session.pending.get(question.id)
                answer = f" — **{ui[chosen.value]}**" if chosen is not None else ""
                lines.append(f"**{index}.** {question.text}{answer}")
            description = "\n".join(lines)
        embed = discord.Embed(description=description, colour=discord.Colour.blurple())
        embed.set_author(name=ui["progress"].format(n=number, total=total))
        embed.set_footer(text=ui["not_a_diagnosis"])
        return embed

    def result_embed(self, assessment: Assessment) -> discord.Embed:
        assert assessment.level is not None
        ui = self.check.ui
        info = self.check.levels[assessment.level]
        embed = discord.Embed(title=info.title, description=info.summary, colour=info.colour)
        if assessment.reasons:
            embed.add_field(
                name=ui["reasons_title"],
                value="\n".join(f"• {reason}" for reason in assessment.reasons)[:FIELD_LIMIT],
                inline=False,
            )
        steps = [line for key in assessment.advice for line in self.check.advice[key]]
        embed.add_field(
            name=ui["next_steps_title"],
            value="\n".join(f"• {step}" for step in [*steps, *info.next_steps])[:FIELD_LIMIT],
            inline=False,
        )
        embed.add_field(
            name=ui["numbers_title"],
            value=numbers_text(ui, assessment.level, self.region)[:FIELD_LIMIT],
            inline=False,
        )
        embed.add_field(
            name=ui["safety_net_title"], value=ui["safety_net"][:FIELD_LIMIT], inline=False
        )
        if assessment.level is not Level.EMERGENCY:
            embed.add_field(
                name=ui["massage_title"], value=ui["massage_safety"][:FIELD_LIMIT], inline=False
            )
        embed.add_field(
            name=ui["sources_title"],
            value="\n".join(f"[{s.label}]({s.url})" for s in info.sources)[:FIELD_LIMIT],
            inline=False,
        )
        embed.set_footer(text=ui["not_a_diagnosis"])
        return embed

    def _with_safety_net(self, text: str) -> str:
        return f"{text}\n{self.check.ui['safety_net']}"

    # --- buttons -------------------------------------------------------------------------

    def _question_buttons(self) -> None:
        """A row of Yes / No / Not sure per question, then Next (on a shared screen), Back and
        Cancel. Custom ids carry the answers so far, compactly, plus the question and answer."""
        ui = self.check.ui
        self.clear_items()
        screen = self.session.screen
        grouped = len(screen) > 1
        so_far = encode_answers(self.check, {**self.session.answers, **self.session.pending})
        for row, question in enumerate(screen):
            index = self.check.questions.index(question)
            chosen = self.session.pending.get(question.id)
            for answer, style in (
                (Answer.YES, discord.ButtonStyle.danger),
                (Answer.NO, discord.ButtonStyle.success),
                (Answer.NOT_SURE, discord.ButtonStyle.secondary),
            ):
                label = ui[answer.value]
                if grouped:
                    label = f"{row + 1}. {label}"
                    if chosen is not None and chosen is not answer:
                        style = discord.ButtonStyle.secondary
                custom_id = f"qc:{so_far}:{index}:{answer.code}"
                self.add_item(AnswerButton(label, style, question.id, answer, custom_id, row))
        nav_row = len(screen)
        if grouped:
            next_button = NavButton(ui["next"], "qc:next", self._next, nav_row)
            next_button.disabled = any(q.id not in self.session.pending for q in screen)
            self.add_item(next_button)
        back = NavButton(ui["back"], "qc:back", self._back, nav_row)
        back.disabled = self.session.progress[0] == 1
        self.add_item(back)
        self.add_item(NavButton(ui["cancel"], "qc:cancel", self._cancel, nav_row))

    def _followups(self, assessment: Assessment) -> None:
        self.clear_items()
        if assessment.level is None or assessment.level is Level.EMERGENCY:
            return
        ui = self.check.ui
        for followup in self.check.levels[assessment.level].followups:
            if followup == "show_stretches":
                self.add_item(NavButton(ui["show_stretches"], "qc:stretches", self._stretches))
            elif followup == "massage_info":
                self.add_item(NavButton(ui["massage_info"], "qc:massage", self._massage))
            elif followup == "set_reminder":
                self.add_item(NavButton(ui["set_reminder"], "qc:reminder", self._reminder_hint))

    async def choose(
        self, interaction: discord.Interaction[SciaticaBot], question_id: str, answer: Answer
    ) -> None:
        assessment = self.session.choose(question_id, answer)
        await self._show(interaction, assessment)

    async def _next(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        await self._show(interaction, self.session.submit())

    async def _show(
        self, interaction: discord.Interaction[SciaticaBot], assessment: Assessment | None
    ) -> None:
        """The next screen (or this one with its new answer marked), or the result."""
        if assessment is None or not assessment.finished:
            self._question_buttons()
            await interaction.response.edit_message(embed=self.question_embed(), view=self)
            return
        self._followups(assessment)
        if not self.children:
            self.finish()
        await interaction.response.edit_message(
            embed=self.result_embed(assessment), view=self if self.children else None
        )

    async def _back(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        self.session.back()
        self._question_buttons()
        await interaction.response.edit_message(embed=self.question_embed(), view=self)

    async def _cancel(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        self.finish()
        await interaction.response.edit_message(
            content=self._with_safety_net(self.check.ui["cancelled"]), embed=None, view=None
        )

    async def _stretches(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        await StretchRoutineView(self.bot, interaction.user.id).send(interaction)

    async def _massage(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        """Information only: a quick-check result never leads to a booking link."""
        topic = self.bot.content.library.topic("massage")
        await interaction.response.send_message(
            embed=topic_embed(self.bot.content.library, topic), ephemeral=True
        )

    async def _reminder_hint(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        await interaction.response.send_message(self.check.ui["reminder_hint"], ephemeral=True)


class AnswerButton(discord.ui.Button[QuickCheckView]):
    def __init__(
        self,
        label: str,
        style: discord.ButtonStyle,
        question_id: str,
        answer: Answer,
        custom_id: str,
        row: int,
    ) -> None:
        super().__init__(label=label, style=style, custom_id=custom_id, row=row)
        self.question_id = question_id
        self.answer = answer

    async def callback(self, interaction: discord.Interaction[ClientT]) -> None:
        assert self.view is not None
        await self.view.choose(sciatica_interaction(interaction), self.question_id, self.answer)


class NavButton(discord.ui.Button[QuickCheckView]):
    def __init__(
        self,
        label: str,
        custom_id: str,
        action: Callable[[discord.Interaction[SciaticaBot]], Awaitable[None]],
        row: int | None = None,
    ) -> None:
        super().__init__(
            label=label, style=discord.ButtonStyle.secondary, custom_id=custom_id, row=row
        )
        self.action = action

    async def callback(self, interaction: discord.Interaction[ClientT]) -> None:
        await self.action(sciatica_interaction(interaction))


class QuickCheck(commands.Cog):
    def __init__(self, bot: SciaticaBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="quickcheck", description="A private symptom check: how soon to get help."
    )
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @app_commands.describe(
        region="Where you are, for the right emergency numbers (remembered for next time)."
    )
    @app_commands.autocomplete(region=region_autocomplete)
    async def quickcheck(
        self, interaction: discord.Interaction[SciaticaBot], region: str | None = None
    ) -> None:
        await require_feature(interaction, "quickcheck")
        view = QuickCheckView(
            self.bot, interaction.user.id, await self._region(interaction, region)
        )
        check = self.bot.content.quickcheck
        intro = check.ui["intro"].format(screens=check.most_screens)
        note = add_bot_note(interaction)
        await interaction.response.send_message(
            content=f"{intro}\n{note}" if note else intro,
            embed=view.question_embed(),
            view=view,
            ephemeral=True,
        )
        view.origin = interaction

    async def _region(
        self, interaction: discord.Interaction[SciaticaBot], typed: str | None
    ) -> RegionChoice | None:
        """The member's region beats the server's (one that added the bot); a region typed now
        is remembered."""
        member_id = interaction.user.id
        member = await self.bot.stores.members.member(member_id)
        remembered = member.region if member is not None else None
        config = await self.bot.guild_config.get(settings_guild_id(interaction))
        choice = choose_region(
            self.bot.content.regions, typed=typed, remembered=remembered, server=config.region
        )
        typed_new = choice is not None and choice.source is RegionSource.TYPED
        if choice is not None and typed_new and choice.region.key != remembered:
            await self.bot.stores.members.save_member(
                member_id, self.bot.unix_now(), region=choice.region.key
            )
        return choice


async def setup(bot: SciaticaBot) -> None:
    await bot.add_cog(QuickCheck(bot))
