"""One playground world: the local Discord with a server, three people to act as, and the real
bot connected to it exactly as in production (login, `setup_hook`, command sync, the
dispatcher, a SQLite file). It keeps what each person can see, tells the page as the bot
answers, and acts for the person the page acts as."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.bundle import Content
from bot.core.client import SciaticaBot
from bot.core.discord_internals import use_api_base
from bot.core.settings import load_settings
from bot.localdiscord import FakeDiscord
from bot.localdiscord.constants import (
    MEMBER_PERMISSIONS,
    InteractionCallbackType,
    InteractionContextType,
    InteractionType,
    MessageFlag,
    Permission,
)
from bot.localdiscord.models import Event, EventKind, Guild, Interaction, User
from bot.playground import commandline
from bot.playground.clock import PlaygroundClock
from bot.storage import Database, open_database

log = logging.getLogger("bot.playground")
APP_NAME = "Sciatica Companion"
GENERAL, DMS = "general", "dm"
NOT_ANSWERED = {
    InteractionType.APPLICATION_COMMAND: "The application did not respond",
    InteractionType.MESSAGE_COMPONENT: "This interaction failed",
    InteractionType.MODAL_SUBMIT: "Something went wrong. Try again.",
}


@dataclass(frozen=True)
class Person:
    """Someone the page can act as, and where: `installed` is "user" for a member who added
    the app to their own account in a server that never added the bot."""

    key: str
    label: str
    about: str
    user: User
    guild: Guild
    installed: str


@dataclass
class Entry:
    """A line of a message list: a message by the bot, or Discord's own notice that the bot
    did not answer. `viewer` is the only person who sees it (ephemeral), or None."""

    id: str
    channel_id: int
    viewer: int | None
    message: dict[str, Any] | None
    origin: dict[str, Any] | None
    notice: str = ""


Update = tuple[str, Any]  # ("entry", Entry) | ("gone", Entry) | ("modal", (user, id, data))


class World:
    """Build with `await World.open(...)`, end with `close()`."""

    def __init__(self, content: Content, database_path: Path) -> None:
        self.content = content
        self.database_path = database_path
        self.token = f"playground.{secrets.token_urlsafe(24)}"
        self.discord = FakeDiscord(valid_token=self.token, application_name=APP_NAME)
        self.clock = PlaygroundClock()
        self.people: dict[str, Person] = {}
        self.entries: dict[str, Entry] = {}
        self.interactions: dict[str, Interaction] = {}
        self.listeners: list[Callable[[Update], None]] = []
        self.bot: SciaticaBot | None = None
        self._database: Database | None = None
        self._running: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, content: Content, database_path: Path) -> World:
        world = cls(content, database_path)
        await world._start()
        return world

    async def _start(self) -> None:
        discord = self.discord
        await discord.start()
        discord.subscribe(self._heard)
        self._people()
        settings = load_settings(
            {
                "DISCORD_TOKEN": self.token,
                "DATABASE_PATH": str(self.database_path),
                "DISCORD_API_BASE": discord.api_base,
            }
        )
        use_api_base(discord.api_base)
        self._database = await open_database(settings.database)
        self.bot = SciaticaBot(settings, self._database, self.content, self.clock)
        self._running = asyncio.create_task(self.bot.start(self.token), name="playground-bot")
        await discord.wait_until(
            lambda: discord.gateway.ready_count > 0 and bool(discord.world.commands.get(None)),
            timeout=60,
        )

    def _people(self) -> None:
        discord = self.discord
        circle = discord.add_guild("Wellness Circle")
        club = discord.add_guild("Book Club", bot_added=False)
        sam, alex, robin = (discord.add_user(name) for name in ("Sam", "Alex", "Robin"))
        discord.add_member(circle.id, sam.id)
        discord.add_member(circle.id, alex.id, Permission.MANAGE_GUILD | MEMBER_PERMISSIONS)
        discord.add_member(club.id, robin.id)
        for person in (
            Person("member", "Sam, a member", "A member of Wellness Circle.", sam, circle, "guild"),
            Person(
                "moderator",
                "Alex, a moderator",
                "Can Manage Server in Wellness Circle: /config is for Alex.",
                alex,
                circle,
                "guild",
            ),
            Person(
                "installer",
                "Robin, own install",
                "Added the app to their own account; the bot is not in Robin's server.",
                robin,
                club,
                "user",
            ),
        ):
            self.people[person.key] = person

    async def close(self) -> None:
        if self.bot is not None:
            await self.bot.close()
        if self._running is not None:
            self._running.cancel()
            await asyncio.gather(self._running, return_exceptions=True)
        if self._database is not None:
            await self._database.close()
        await self.discord.stop()

    # --- what each person sees ---------------------------------------------------------------

    def channel_of(self, person: Person, place: str) -> int:
        if place == DMS:
            return self.discord.dm_channel(person.user.id)
        return person.guild.general

    def place_of(self, person: Person, entry: Entry) -> str | None:
        """Which of the person's lists shows the entry, if any."""
        if entry.viewer not in (None, person.user.id):
            return None
        for place in (GENERAL, DMS):
            if entry.channel_id == self.channel_of(person, place):
                return place
        return None

    def visible(self, person: Person, place: str) -> list[Entry]:
        shown = [e for e in self.entries.values() if self.place_of(person, e) == place]
        return sorted(shown, key=lambda entry: int(entry.id.removeprefix("n")))

    def name_of(self, kind: str, snowflake: int) -> str:
        world = self.discord.world
        if kind == "#":
            channel = world.channels.get(snowflake)
            return channel.name if channel else "unknown-channel"
        if snowflake == world.bot_user.id:
            return APP_NAME
        user = world.users.get(snowflake)
        if user is not None:
            return user.name
        for guild in world.guilds.values():
            if snowflake in guild.roles:
                return guild.roles[snowflake].name
        return "unknown"

    def commands_for(self, person: Person) -> list[dict[str, Any]]:
        """The commands Discord lists for the person here: a command needing a permission
        they lack (default_member_permissions) is hidden, as Discord hides it."""
        member = person.guild.members[person.user.id]
        allowed = member.permissions | person.guild.roles[person.guild.id].permissions
        return [
            command
            for command in self.discord.world.commands.get(None, [])
            if int(command.get("default_member_permissions") or 0) & ~allowed == 0
            and (person.installed == "guild" or 1 in (command.get("integration_types") or [0]))
        ]

    # --- what the bot did --------------------------------------------------------------------

    def _heard(self, event: Event) -> None:
        if event.kind is EventKind.INTERACTION_EXPIRED:
            self._not_answered(event.interaction or {})
        elif event.kind is EventKind.INTERACTION_CALLBACK:
            callback, origin = event.callback, event.interaction or {}
            if callback is not None and callback.type == InteractionCallbackType.MODAL:
                self._tell(("modal", (_invoker(origin), origin["id"], callback.data)))
        elif event.message is not None:
            self._message(event.kind, event.message, event.interaction)

    def _message(
        self, kind: EventKind, message: dict[str, Any], origin: dict[str, Any] | None
    ) -> None:
        entry = self.entries.get(message["id"])
        if kind is EventKind.MESSAGE_DELETED:
            if entry is not None:
                del self.entries[message["id"]]
                self._tell(("gone", entry))
            return
        if entry is None:
            ephemeral = int(message.get("flags") or 0) & MessageFlag.EPHEMERAL
            entry = Entry(
                message["id"],
                int(message["channel_id"]),
                _invoker(origin) if ephemeral and origin else None,
                message,
                origin,
            )
            self.entries[entry.id] = entry
        self._tell(("entry", entry))

    def _not_answered(self, origin: dict[str, Any]) -> None:
        text = NOT_ANSWERED.get(InteractionType(origin.get("type", 1)))
        if text is None:
            return  # autocomplete: Discord just shows no choices
        entry = Entry(
            f"n{origin['id']}", int(origin["channel_id"]), _invoker(origin), None, origin, text
        )
        self.entries[entry.id] = entry
        self._tell(("entry", entry))

    def _tell(self, update: Update) -> None:
        for listener in list(self.listeners):
            listener(update)

    # --- what the person does ----------------------------------------------------------------

    def _where(self, person: Person, place: str) -> dict[str, Any]:
        if place == DMS:
            return {"context": InteractionContextType.BOT_DM, "installed": person.installed}
        return {"guild_id": person.guild.id, "installed": person.installed}

    async def run(self, person: Person, place: str, text: str) -> None:
        """Send a typed command line; LineProblem when Discord's client would not send it."""
        line = commandline.read(text.strip(), self.commands_for(person))
        options = commandline.options(line, self._resolver(person))
        ix = await self.discord.invoke(
            person.user, line.name, options, **self._where(person, place)
        )
        self.interactions[str(ix.id)] = ix

    async def suggest(
        self, person: Person, place: str, text: str
    ) -> tuple[str, list[commandline.Suggestion]]:
        """What Discord lists above the box as the line is typed, under its heading, the bot's
        own autocomplete choices included."""
        commands = self.commands_for(person)
        line = commandline.read(text, commands)
        heading = commandline.heading(line, APP_NAME)
        if line.focused is None or not commandline.option_named(line, line.focused).get(
            "autocomplete"
        ):
            return heading, commandline.suggestions(line, commands)
        others = {}  # what is typed well enough elsewhere on the line, as Discord sends it
        for name, raw in line.values.items():
            if name != line.focused and raw:
                try:
                    typed = commandline.option_named(line, name)
                    others[name] = commandline.typed_value(typed, raw, self._resolver(person))
                except commandline.LineProblem:
                    continue
        choices = await self.discord.autocomplete(
            person.user,
            line.name,
            focused=line.focused,
            value=line.values.get(line.focused, ""),
            options=others,
            **self._where(person, place),
        )
        return heading, [
            commandline.Suggestion(commandline.with_value(line, str(c["value"])), c["name"])
            for c in choices
        ]

    async def click(self, person: Person, message_id: str, custom_id: str) -> None:
        message = self.discord.world.messages[int(message_id)]
        ix = await self.discord.click(person.user, message, custom_id=custom_id)
        self.interactions[str(ix.id)] = ix

    async def select(
        self, person: Person, message_id: str, custom_id: str, values: list[str]
    ) -> None:
        message = self.discord.world.messages[int(message_id)]
        ix = await self.discord.select(person.user, message, values, custom_id=custom_id)
        self.interactions[str(ix.id)] = ix

    async def submit(self, interaction_id: str, values: dict[str, str]) -> None:
        ix = await self.discord.submit_modal(self.interactions[interaction_id], values)
        self.interactions[str(ix.id)] = ix

    async def fast_forward(self) -> bool:
        """Move the bot's clock to its next reminder; False when none is set."""
        assert self.bot is not None
        due = await self.bot.scheduler.next_due()
        if due is None:
            return False
        self.clock.move_to(due)
        return True

    def _resolver(self, person: Person) -> commandline.Resolver:
        def resolve(kind: int, name: str) -> int | None:
            guild = person.guild
            if kind == commandline.CHANNEL:
                found = [c.id for c in guild.channels.values() if c.name == name]
            elif kind == commandline.ROLE:
                found = [r.id for r in guild.roles.values() if r.name == name]
            else:
                users = self.discord.world.users.values()
                found = [u.id for u in users if u.name.lower() == name.lower()]
            return found[0] if found else None

        return resolve


def _invoker(origin: dict[str, Any]) -> int:
    user = (origin.get("member") or {}).get("user") or origin.get("user") or {}
    return int(user["id"])
