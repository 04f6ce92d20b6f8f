"""/sciatica topics and /stretch: curated, sourced learning content, private unless shared."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.content.library import Stretch, Topic
from bot.content.member_text import neutralise
from bot.core.client import ClientT, SciaticaBot, sciatica_interaction
from bot.core.errors import UserFacingError
from bot.core.guild_config import Toggle
from bot.ui.autocomplete import safe_autocomplete
from bot.ui.checks import (
    add_bot_note,
    everywhere_contexts,
    everywhere_installs,
    require_feature,
    settings_guild_id,
)
from bot.ui.embeds import (
    CHOICE_COUNT_LIMIT,
    CHOICE_NAME_LIMIT,
    OPTION_TEXT_LIMIT,
    picture_file,
    stretch_embed,
    topic_embed,
)
from bot.ui.routine import RoutineButton, send_routine
from bot.ui.views import PersistentSelect

SEARCH_LIMIT = 100
"""Characters of a typed stretch name searched; no stretch name is near as long."""
SHOWN_INPUT_LIMIT = 80
"""Characters of an unknown name repeated back to the member."""
LEARN = Toggle("learn", "features.learn")


class RelatedTopicSelect(PersistentSelect, template=r"learn:related:(?P<slug>[a-z-]{1,32})"):
    """Jump to a related topic; works after restarts because the topic is in the custom_id.

    On the member's own private answer it swaps the topic in place; on a shared answer it
    shows the chosen topic privately to whoever picked it.
    """

    def __init__(self, bot: SciaticaBot, topic: Topic) -> None:
        library = bot.content.library
        self.slug = topic.slug
        options = [
            discord.SelectOption(
                label=related.title[:OPTION_TEXT_LIMIT],
                value=related.slug,
                description=related.summary[:OPTION_TEXT_LIMIT],
            )
            for related in (library.topic(slug) for slug in topic.related)
        ]
        super().__init__(
            discord.ui.Select(
                custom_id=f"learn:related:{topic.slug}",
                placeholder=bot.messages("learn.related_placeholder"),
                options=options,
            )
        )
        self.bot = bot

    @classmethod
    def rebuild(cls, bot: SciaticaBot, match: re.Match[str]) -> RelatedTopicSelect:
        topics = bot.content.library.topics
        return cls(bot, topics.get(match["slug"]) or next(iter(topics.values())))

    async def press(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        chosen = self.bot.content.library.topic(self.item.values[0])
        learn = self.bot.get_cog(Learn.__cog_name__)
        assert isinstance(learn, Learn)  # this menu is routed only while the cog is loaded
        embed, view = await learn.answers.get(chosen, settings_guild_id(interaction))
        message = interaction.message
        if message is not None and message.flags.ephemeral:
            await interaction.response.edit_message(embed=embed, view=view)
        else:
            await interaction.response.send_message(
                add_bot_note(interaction), embed=embed, view=view, ephemeral=True
            )


class TopicAnswers:
    """Each topic's answer (its embed, with the disclaimer and booking link of the server that
    added the bot, if any, and its related-topics menu), built once and sent again as it is.

    Building them was most of the bot's own work in a topic's answer, and an answer changes only
    with the content (loaded once) or those two settings, which are part of the key. Nothing
    changes an answer once built, and its menu answers from its custom_id alone, so one answer
    can be sent any number of times.
    """

    LIMIT = 256
    """Answers kept: topics times the distinct settings in use; past it, they are built again."""

    def __init__(self, bot: SciaticaBot) -> None:
        self.bot = bot
        self._built: dict[
            tuple[str, str | None, str | None], tuple[discord.Embed, discord.ui.View]
        ] = {}

    async def get(
        self, topic: Topic, guild_id: int | None
    ) -> tuple[discord.Embed, discord.ui.View]:
        config = await self.bot.guild_config.get(guild_id)
        key = (topic.slug, config.disclaimer, config.booking_link)
        answer = self._built.get(key)
        if answer is None:
            if len(self._built) >= self.LIMIT:
                self._built.clear()
            answer = self._built[key] = self._build(topic, config.disclaimer, config.booking_link)
        return answer

    def _build(
        self, topic: Topic, disclaimer: str | None, booking_link: str | None
    ) -> tuple[discord.Embed, discord.ui.View]:
        embed = topic_embed(
            self.bot.content.library, topic, extra_disclaimer=disclaimer, booking_link=booking_link
        )
        view = discord.ui.View(timeout=None)
        if topic.related:
            view.add_item(RelatedTopicSelect(self.bot, topic))
        view.stop()  # a stopped view is sent as it is: neither kept nor emptied after sending
        return embed, view


class TopicGroup(app_commands.Group):
    """/sciatica: its topic commands are made from the content at start-up, outside the cog's
    own commands, so the feature check sits on the group."""

    async def interaction_check(self, interaction: discord.Interaction[ClientT], /) -> bool:
        return await require_feature(sciatica_interaction(interaction), LEARN)


@safe_autocomplete
async def stretch_autocomplete(
    interaction: discord.Interaction[SciaticaBot], current: str
) -> list[app_commands.Choice[str]]:
    library = interaction.client.content.library
    return [
        app_commands.Choice(name=stretch.name[:CHOICE_NAME_LIMIT], value=stretch.slug)
        for stretch in library.search_stretches(current[:SEARCH_LIMIT], limit=CHOICE_COUNT_LIMIT)
    ]


class Learn(commands.Cog):
    def __init__(self, bot: SciaticaBot) -> None:
        self.bot = bot
        self.answers = TopicAnswers(bot)
        self.sciatica = TopicGroup(
            name="sciatica",
            description=bot.messages("learn.group_description"),
            allowed_installs=everywhere_installs(),
            allowed_contexts=everywhere_contexts(),
        )
        for topic in bot.content.library.topics.values():
            self.sciatica.add_command(self._topic_command(topic))

    async def interaction_check(self, interaction: discord.Interaction[ClientT], /) -> bool:
        return await require_feature(sciatica_interaction(interaction), LEARN)

    def toggles(self) -> list[Toggle]:
        return [LEARN]

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.sciatica)
        self.bot.add_dynamic_items(RelatedTopicSelect, RoutineButton)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.sciatica.name)
        self.bot.remove_dynamic_items(RelatedTopicSelect)

    def _topic_command(self, topic: Topic) -> app_commands.Command[Any, ..., None]:
        async def show(interaction: discord.Interaction[SciaticaBot], share: bool = False) -> None:
            await self.show_topic(interaction, topic, share=share)

        app_commands.describe(share=self.bot.messages("learn.share_description"))(show)
        return app_commands.Command(name=topic.slug, description=topic.summary, callback=show)

    async def show_topic(
        self, interaction: discord.Interaction[SciaticaBot], topic: Topic, *, share: bool
    ) -> None:
        embed, view = await self.answers.get(topic, settings_guild_id(interaction))
        await interaction.response.send_message(
            add_bot_note(interaction), embed=embed, view=view, ephemeral=not share
        )

    stretch = app_commands.Group(
        name="stretch",
        description="Gentle stretches for sciatica, one step at a time.",
        allowed_installs=everywhere_installs(),
        allowed_contexts=everywhere_contexts(),
    )

    @stretch.command(
        name="routine", description="A guided stretching routine, one stretch per step."
    )
    async def routine(self, interaction: discord.Interaction[SciaticaBot]) -> None:
        await send_routine(interaction)

    @stretch.command(name="show", description="Show one stretch with how-to and cautions.")
    @app_commands.describe(name="Start typing a stretch name.")
    @app_commands.autocomplete(name=stretch_autocomplete)
    async def show(self, interaction: discord.Interaction[SciaticaBot], name: str) -> None:
        stretch = self._find_stretch(name)
        picture = self.bot.content.pictures.picture(stretch.slug)
        await interaction.response.send_message(
            embed=stretch_embed(self.bot.content.library, stretch, picture=picture),
            file=picture_file(picture),
            ephemeral=True,
        )

    def _find_stretch(self, name: str) -> Stretch:
        library = self.bot.content.library
        if name in library.stretches:
            return library.stretches[name]
        matches = library.search_stretches(name[:SEARCH_LIMIT], limit=1) if name.strip() else []
        if not matches:
            raise UserFacingError(
                self.bot.messages("stretch.unknown", name=neutralise(name, SHOWN_INPUT_LIMIT))
            )
        return matches[0]


async def setup(bot: SciaticaBot) -> None:
    await bot.add_cog(Learn(bot))
