"""Pain check-ins and flare care: the question after a stretch, its buttons (which keep
working after a restart), flare care with the safety net, and the 3-day pause it offers."""

from __future__ import annotations

import re

import discord

from bot.core.client import SciaticaBot
from bot.core.contracts import FollowUp
from bot.core.errors import UserFacingError
from bot.health.progress import FLARE_WINDOW, PAUSE_DAYS, is_flare
from bot.health.regions import choose_region, numbers_text
from bot.health.triage import Level
from bot.scheduling.clock import from_unix
from bot.scheduling.planning import pause_for_days
from bot.scheduling.recurrence import local_date
from bot.storage import MemberRow, ReminderKind
from bot.ui.embeds import FIELD_LIMIT, source_links
from bot.ui.views import PersistentButton, link_buttons_of
from cogs.progress.base import ProgressBase

SKIP = "skip"
SCORES = range(11)
COLOUR_CARE = discord.Colour(0xE69138)


class PainButton(
    PersistentButton,
    template=r"pain:(?P<score>10|[0-9]|skip):(?P<user>[0-9]{1,20})",
):
    """One answer to "How is your sciatica pain today?" (a score, or Skip); the member it was
    asked of is in the custom_id, so it works after a restart and for nobody else."""

    def __init__(self, bot: SciaticaBot, score: int | None, user_id: int) -> None:
        texts = bot.messages
        super().__init__(
            discord.ui.Button(
                label=texts("checkins.skip") if score is None else str(score),
                style=discord.ButtonStyle.secondary
                if score is None
                else discord.ButtonStyle.primary,
                custom_id=f"pain:{SKIP if score is None else score}:{user_id}",
            )
        )
        self.bot = bot
        self.score = score
        self.user_id = user_id

    @classmethod
    def rebuild(cls, bot: SciaticaBot, match: re.Match[str]) -> PainButton:
        score = None if match["score"] == SKIP else int(match["score"])
        return cls(bot, score, int(match["user"]))

    async def press(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        await _cog(self.bot).answer(interaction, self.user_id, self.score)


class FlarePauseButton(
    PersistentButton,
    template=r"flare:pause:(?P<user>[0-9]{1,20})",
):
    """ "Pause stretch reminders for 3 days", offered with flare care."""

    def __init__(self, bot: SciaticaBot, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=bot.messages("checkins.pause"),
                style=discord.ButtonStyle.primary,
                custom_id=f"flare:pause:{user_id}",
            )
        )
        self.bot = bot
        self.user_id = user_id

    @classmethod
    def rebuild(cls, bot: SciaticaBot, match: re.Match[str]) -> FlarePauseButton:
        return cls(bot, int(match["user"]))

    async def press(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        await _cog(self.bot).pause_for_flare(interaction, self.user_id)


def _cog(bot: SciaticaBot) -> CheckIns:
    cog = bot.get_cog("Progress")
    assert isinstance(cog, CheckIns)
    return cog


class CheckIns(ProgressBase):
    """Asking for, saving and answering pain scores."""

    async def after_stretch(self, user_id: int) -> FollowUp | None:
        """The pain question, only for a member who turned check-ins on."""
        member = await self.members.member(user_id)
        if member is None or not member.checkins_on:
            return None
        buttons = [PainButton(self.bot, score, user_id) for score in SCORES]
        return FollowUp(
            self.texts("checkins.question"), (*buttons, PainButton(self.bot, None, user_id))
        )

    async def answer(
        self, interaction: discord.Interaction[SciaticaBot], user_id: int, score: int | None
    ) -> None:
        """Save today's score (or skip) in place of the question; a flare gets flare care."""
        text = self.texts
        if interaction.user.id != user_id:
            raise UserFacingError(text("checkins.not_yours"))
        message = interaction.message
        asked = (message.content if message is not None else "").removesuffix(
            text("checkins.question")
        )
        view = link_buttons_of(message)

        async def reply(line: str) -> None:
            content = f"{asked.rstrip()}\n\n{line}" if asked.strip() else line
            await interaction.response.edit_message(content=content, view=view)

        if score is None:
            await reply(text("checkins.skipped"))
            return
        member = await self.members.member(user_id)
        now = self.bot.clock.now()
        today = local_date(now, self._zone(member) or "UTC").isoformat()
        previous = await self.checkins.previous(user_id, today, FLARE_WINDOW)
        if not await self.checkins.record(user_id, today, score, int(now.timestamp())):
            await reply(text("checkins.off_now"))
            return
        await reply(text("checkins.saved", score=score))
        if is_flare(score, previous):
            embed, offer = await self.flare_care(interaction, user_id, member)
            if offer is None:
                await interaction.followup.send(embed=embed, ephemeral=True)
            else:
                await interaction.followup.send(embed=embed, view=offer, ephemeral=True)

    async def flare_care(
        self, interaction: discord.Interaction[SciaticaBot], user_id: int, member: MemberRow | None
    ) -> tuple[discord.Embed, discord.ui.View | None]:
        """What may help, the safety net with the member's emergency numbers, and the offer
        to pause their stretch reminders (when they have any running)."""
        care = self.bot.content.progress.flare
        embed = discord.Embed(title=care.title, description=care.intro, colour=COLOUR_CARE)
        embed.add_field(
            name=care.steps_title, value="\n".join(f"• {step}" for step in care.steps), inline=False
        )
        embed.add_field(name=care.safety_title, value=care.safety, inline=False)
        config = await self.bot.guild_config.get(interaction.guild_id)
        region = choose_region(
            self.bot.content.regions,
            typed=None,
            remembered=member.region if member is not None else None,
            server=config.region,
        )
        numbers = numbers_text(self.bot.messages, Level.EMERGENCY, region)
        embed.add_field(name=care.numbers_title, value=numbers[:FIELD_LIMIT], inline=False)
        embed.add_field(name=care.sources_title, value=source_links(care.sources), inline=False)
        embed.set_footer(text=care.footer)
        if not await self.reminders.running(user_id, ReminderKind.STRETCH):
            return embed, None
        offer = discord.ui.View(timeout=None)
        offer.add_item(FlarePauseButton(self.bot, user_id))
        return embed, offer

    async def pause_for_flare(
        self, interaction: discord.Interaction[SciaticaBot], user_id: int
    ) -> None:
        """Pause the member's running stretch reminders for 3 days; they resume by themselves."""
        text = self.texts
        if interaction.user.id != user_id:
            raise UserFacingError(text("checkins.not_yours"))
        member = await self.members.member(user_id)
        # the same time of day 3 days on in the member's zone, whatever DST does meanwhile
        rows = await self.reminders.running(user_id, ReminderKind.STRETCH)
        paused, until = await pause_for_days(
            self.reminders, rows, PAUSE_DAYS, self.bot.clock.now(), self._zone(member) or "UTC"
        )
        content = (
            text(
                "checkins.paused",
                count=len(paused),
                until=discord.utils.format_dt(from_unix(until), "f"),
            )
            if paused
            else text("checkins.nothing_to_pause")
        )
        await interaction.response.edit_message(
            content=content, view=link_buttons_of(interaction.message)
        )
