"""/quickcheck: a private, button-driven symptom check that asks red flags first, one by one.

The rules live in bot.health.triage (pure) and the questions in data/quickcheck.toml; this cog only
turns them into messages and buttons. Nothing is stored: the answers so far travel in the
buttons' custom ids (bot.health.quickcheck_ids), so a check goes on after a restart. A screen waits
10 minutes; a later press is told the check expired, except a Yes or Not sure to an emergency
question, which always gets the emergency advice.
"""

from __future__ import annotations

import re
from dataclasses import replace

import discord
from discord import app_commands
from discord.ext import commands

from bot.content.messages import Messages
from bot.core.client import SciaticaBot
from bot.core.errors import UserFacingError
from bot.core.guild_config import Toggle
from bot.health import triage
from bot.health.quickcheck_ids import (
    CheckState,
    ScreenIds,
    StaleCheck,
    emergency_pressed,
    follow_up_id,
    follow_up_of,
    read_press,
    state_of,
)
from bot.health.regions import RegionChoice, RegionSource, choose_region, numbers_text
from bot.health.triage import (
    Answer,
    Assessment,
    Level,
    QuickCheckSession,
    emergency_result,
)
from bot.ui.autocomplete import region_autocomplete
from bot.ui.checks import add_bot_note, require_feature, settings_guild_id
from bot.ui.embeds import FIELD_LIMIT, topic_embed
from bot.ui.routine import RoutineButton, send_routine
from bot.ui.views import IDLE_TIMEOUT, PersistentButton

CLOCK_SLACK = 60
"""Seconds a screen's time may lie ahead of the bot's clock (another process's clock)."""
QUICKCHECK = Toggle("quickcheck", "features.quickcheck")

# the words of each answer, and of each button below the answers
ANSWER_LABELS = {
    Answer.YES: "quickcheck.ui.yes",
    Answer.NO: "quickcheck.ui.no",
    Answer.NOT_SURE: "quickcheck.ui.not_sure",
}
NAVIGATION_LABELS = {
    "next": "quickcheck.ui.next",
    "back": "quickcheck.ui.back",
    "cancel": "quickcheck.ui.cancel",
}


def question_embed(messages: Messages, session: QuickCheckSession) -> discord.Embed:
    number, total = session.progress
    screen = session.screen
    if len(screen) == 1:
        description = screen[0].text
    else:
        lines = [messages("quickcheck.ui.group_prompt"), ""]
        for index, question in enumerate(screen, start=1):
            chosen = session.pending.get(question.id)
            answer = f" — **{messages(ANSWER_LABELS[chosen])}**" if chosen is not None else ""
            lines.append(f"**{index}.** {question.text}{answer}")
        description = "\n".join(lines)
    embed = discord.Embed(description=description, colour=discord.Colour.blurple())
    embed.set_author(name=messages("quickcheck.ui.progress", n=number, total=total))
    embed.set_footer(text=messages("quickcheck.ui.not_a_diagnosis"))
    return embed


def result_embed(
    messages: Messages,
    check: triage.QuickCheck,
    assessment: Assessment,
    region: RegionChoice | None,
) -> discord.Embed:
    assert assessment.level is not None
    info = check.levels[assessment.level]
    embed = discord.Embed(title=info.title, description=info.summary, colour=info.colour)
    if assessment.reasons:
        embed.add_field(
            name=messages("quickcheck.ui.reasons_title"),
            value="\n".join(f"• {reason}" for reason in assessment.reasons)[:FIELD_LIMIT],
            inline=False,
        )
    steps = [line for key in assessment.advice for line in check.advice[key]]
    embed.add_field(
        name=messages("quickcheck.ui.next_steps_title"),
        value="\n".join(f"• {step}" for step in [*steps, *info.next_steps])[:FIELD_LIMIT],
        inline=False,
    )
    embed.add_field(
        name=messages("quickcheck.ui.numbers_title"),
        value=numbers_text(messages, assessment.level, region)[:FIELD_LIMIT],
        inline=False,
    )
    embed.add_field(
        name=messages("quickcheck.ui.safety_net_title"),
        value=messages("quickcheck.ui.safety_net")[:FIELD_LIMIT],
        inline=False,
    )
    if assessment.level is not Level.EMERGENCY:
        embed.add_field(
            name=messages("quickcheck.ui.massage_title"),
            value=messages("quickcheck.ui.massage_safety")[:FIELD_LIMIT],
            inline=False,
        )
    embed.add_field(
        name=messages("quickcheck.ui.sources_title"),
        value="\n".join(f"[{s.label}]({s.url})" for s in info.sources)[:FIELD_LIMIT],
        inline=False,
    )
    embed.set_footer(text=messages("quickcheck.ui.not_a_diagnosis"))
    return embed


def with_safety_net(messages: Messages, key: str) -> str:
    return f"{messages(key)}\n{messages('quickcheck.ui.safety_net')}"


class QuickCheckButton(PersistentButton, template=r"qc:[\s\S]*"):
    """Every quick-check button, whatever version showed it: a press is read from the custom
    id alone (see bot.health.quickcheck_ids), so no check in progress is lost to a restart."""

    def __init__(
        self,
        bot: SciaticaBot,
        custom_id: str,
        label: str = "",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        row: int | None = None,
        *,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or None, style=style, custom_id=custom_id, row=row, disabled=disabled
            )
        )
        self.bot = bot

    @classmethod
    def rebuild(cls, bot: SciaticaBot, match: re.Match[str]) -> QuickCheckButton:
        return cls(bot, match.string)

    async def press(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        cog = self.bot.get_cog("QuickCheck")
        assert isinstance(cog, QuickCheck)
        await cog.pressed(interaction, self.custom_id)


def question_view(
    bot: SciaticaBot, session: QuickCheckSession, state: CheckState
) -> discord.ui.View:
    """A row of Yes / No / Not sure per question, then Next (on a shared screen), Back and
    Cancel; each button's custom id carries the whole check so far."""
    check = session.check
    view = discord.ui.View(timeout=None)
    screen = session.screen
    grouped = len(screen) > 1
    ids = ScreenIds.of(check, state)
    for row, question in enumerate(screen):
        chosen = session.pending.get(question.id)
        for answer, style in (
            (Answer.YES, discord.ButtonStyle.danger),
            (Answer.NO, discord.ButtonStyle.success),
            (Answer.NOT_SURE, discord.ButtonStyle.secondary),
        ):
            label = bot.messages(ANSWER_LABELS[answer])
            if grouped:
                label = f"{row + 1}. {label}"
                if chosen is not None and chosen is not answer:
                    style = discord.ButtonStyle.secondary
            custom_id = ids.answer(question, answer)
            view.add_item(QuickCheckButton(bot, custom_id, label, style, row))
    nav_row = len(screen)
    navigation = [
        ("back", session.progress[0] == 1),
        ("cancel", False),
    ]
    if grouped:
        navigation.insert(0, ("next", any(q.id not in session.pending for q in screen)))
    for action, disabled in navigation:
        custom_id = ids.navigation(action)
        view.add_item(
            QuickCheckButton(
                bot,
                custom_id,
                bot.messages(NAVIGATION_LABELS[action]),
                discord.ButtonStyle.secondary,
                nav_row,
                disabled=disabled,
            )
        )
    return view


def follow_up_view(bot: SciaticaBot, assessment: Assessment) -> discord.ui.View | None:
    """What a result offers next: never anything after an emergency."""
    if assessment.level is None or assessment.level is Level.EMERGENCY:
        return None
    check = bot.content.quickcheck
    followups = check.levels[assessment.level].followups
    if not followups:
        return None
    view = discord.ui.View(timeout=None)
    for followup in followups:
        key, label = FOLLOW_UPS[followup]
        view.add_item(QuickCheckButton(bot, follow_up_id(key), bot.messages(label)))
    return view


FOLLOW_UPS = {
    "show_stretches": ("stretches", "quickcheck.ui.show_stretches"),
    "massage_info": ("massage", "quickcheck.ui.massage_info"),
    "set_reminder": ("reminder", "quickcheck.ui.set_reminder"),
}
"""The follow-ups data/quickcheck.toml names: the word their custom ids carry, and their label."""


class QuickCheck(commands.Cog):
    def __init__(self, bot: SciaticaBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(QuickCheckButton, RoutineButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(QuickCheckButton)

    def toggles(self) -> list[Toggle]:
        return [QUICKCHECK]

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
        await require_feature(interaction, QUICKCHECK)
        check = self.bot.content.quickcheck
        session = QuickCheckSession(check)
        chosen = await self._region(interaction, region)
        state = state_of(session, interaction.user.id, self.bot.unix_now(), chosen)
        intro = self.bot.messages("quickcheck.ui.intro", screens=check.most_screens)
        note = add_bot_note(interaction)
        await interaction.response.send_message(
            content=f"{intro}\n{note}" if note else intro,
            embed=question_embed(self.bot.messages, session),
            view=question_view(self.bot, session, state),
            ephemeral=True,
        )

    async def pressed(self, interaction: discord.Interaction[SciaticaBot], custom_id: str) -> None:
        """Any quick-check button: a follow-up, or the next step of the check it carries."""
        check = self.bot.content.quickcheck
        follow_up = follow_up_of(custom_id)
        if follow_up is not None:
            await self._follow_up(interaction, follow_up)
            return
        try:
            press = read_press(check, custom_id)
        except StaleCheck:
            await self._expired(interaction, custom_id, None)
            return
        state = press.state
        if interaction.user.id != state.owner_id:
            raise UserFacingError(self.bot.messages("views.not_yours", command="/quickcheck"))
        region = state.region(self.bot.content.regions)
        now = self.bot.unix_now()
        if not now - IDLE_TIMEOUT <= state.shown_at <= now + CLOCK_SLACK:
            await self._expired(interaction, custom_id, region)
            return
        if press.action == "cancel":
            await interaction.response.edit_message(
                content=with_safety_net(self.bot.messages, "quickcheck.ui.cancelled"),
                embed=None,
                view=None,
            )
            return
        session = QuickCheckSession.resume(check, state.answers, state.pending)
        assessment: Assessment | None = None
        if press.action == "back":
            session.back()
        elif press.action == "next":
            assessment = session.submit()
        else:
            assert press.question is not None and press.answer is not None
            assessment = session.choose(press.question.id, press.answer)
        if assessment is None or not assessment.finished:
            shown = replace(
                state, shown_at=now, answers=dict(session.answers), pending=dict(session.pending)
            )
            await interaction.response.edit_message(
                embed=question_embed(self.bot.messages, session),
                view=question_view(self.bot, session, shown),
            )
            return
        await self._result(interaction, assessment, region)

    async def _result(
        self,
        interaction: discord.Interaction[SciaticaBot],
        assessment: Assessment,
        region: RegionChoice | None,
    ) -> None:
        """The result in place of the last screen; a region this version no longer knows is
        chosen again the way the command does."""
        check = self.bot.content.quickcheck
        if region is None:
            region = await self._region(interaction, None)
        await interaction.response.edit_message(
            embed=result_embed(self.bot.messages, check, assessment, region),
            view=follow_up_view(self.bot, assessment),
        )

    async def _expired(
        self,
        interaction: discord.Interaction[SciaticaBot],
        custom_id: str,
        region: RegionChoice | None,
    ) -> None:
        """A check that can't go on: late, or shown by another version. A Yes or Not sure to an
        emergency question still gets the emergency advice; anything else says how to start
        again."""
        check = self.bot.content.quickcheck
        question = emergency_pressed(check, custom_id)
        if question is not None:
            await self._result(interaction, emergency_result(question), region)
            return
        await interaction.response.edit_message(
            content=with_safety_net(self.bot.messages, "quickcheck.ui.expired"),
            embed=None,
            view=None,
        )

    async def _follow_up(
        self, interaction: discord.Interaction[SciaticaBot], follow_up: str
    ) -> None:
        if follow_up == "stretches":
            await send_routine(interaction)
        elif follow_up == "massage":
            # information only: a quick-check result never leads to a booking link
            topic = self.bot.content.library.topic("massage")
            await interaction.response.send_message(
                embed=topic_embed(self.bot.content.library, topic), ephemeral=True
            )
        else:
            await interaction.response.send_message(
                self.bot.messages("quickcheck.ui.reminder_hint"), ephemeral=True
            )

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
