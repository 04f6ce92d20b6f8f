"""The driver: Discord's users, as tests and the playground play them. It runs synced
commands, types into autocomplete, clicks buttons, picks options and submits modals, and builds
each interaction the way Discord would — refusing, like Discord's client, what a member could
never do there."""

from __future__ import annotations

from typing import Any

from .constants import (
    MEMBER_PERMISSIONS,
    ButtonStyle,
    CommandType,
    ComponentType,
    InteractionCallbackType,
    InteractionType,
    OptionType,
)
from .interactions import Interactions
from .limits import OPTION_LENGTH_LIMIT
from .models import Guild, Interaction, NotAllowed, User
from .places import Places
from .world import World

VALUE_TYPES: dict[int, type] = {
    OptionType.STRING: str,
    OptionType.INTEGER: int,
    OptionType.BOOLEAN: bool,
    OptionType.USER: int,
    OptionType.CHANNEL: int,
    OptionType.ROLE: int,
    OptionType.NUMBER: float,
}
SNOWFLAKE_OPTIONS = (OptionType.USER, OptionType.CHANNEL, OptionType.ROLE)
SUBCOMMANDS = (OptionType.SUB_COMMAND, OptionType.SUB_COMMAND_GROUP)
# what an interaction that follows another (a modal's submission) carries over from it
WHERE_FIELDS = (
    "guild_id",
    "guild",
    "guild_locale",
    "member",
    "user",
    "channel_id",
    "channel",
    "context",
    "authorizing_integration_owners",
    "app_permissions",
    "message",
    "locale",
)


def _check_length(name: str, option: dict[str, Any], value: str, *, partial: bool) -> None:
    """Discord's client stops typing at the option's max_length (6000 without one) and will
    not send fewer characters than its min_length (what is typed so far, for autocomplete)."""
    longest = option.get("max_length") or OPTION_LENGTH_LIMIT
    if len(value) > longest:
        raise NotAllowed(f"option {name!r} takes at most {longest} characters, not {len(value)}")
    shortest = option.get("min_length") or 0
    if not partial and len(value) < shortest:
        raise NotAllowed(f"option {name!r} takes at least {shortest} characters")


class Driver:
    """What members do; each action returns the Interaction to read the bot's answers from
    (autocomplete: the choices it offered)."""

    def __init__(self, world: World, interactions: Interactions) -> None:
        self.world = world
        self.interactions = interactions
        self.places = Places(world)

    async def invoke(
        self,
        user: User,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        guild_id: int | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
        installed: str | None = None,
        context: int | None = None,
    ) -> Interaction:
        """A member runs a slash command, resolved by name from the synced tree; `locale` is
        their Discord client's language. `context` is an InteractionContextType: GUILD (give
        `guild_id`), BOT_DM or PRIVATE_CHANNEL (`channel_id` from `add_group_dm`, else a group
        DM is made);
        `installed` is "guild" (the server's install) or "user" (the member's own). A command
        whose synced contexts / integration_types leave this place out raises NotOffered."""
        resolved: dict[str, dict[str, Any]] = {}
        command, data, where = self._command(
            user, name, options or {}, None, resolved, guild_id, channel_id, installed, context
        )
        if resolved:
            data["resolved"] = resolved
        if guild_id is not None and command.get("guild_id"):
            data["guild_id"] = str(guild_id)
        return await self.interactions.send(
            InteractionType.APPLICATION_COMMAND, data, where, locale=locale
        )

    async def autocomplete(
        self,
        user: User,
        name: str,
        *,
        focused: str,
        value: str,
        options: dict[str, Any] | None = None,
        guild_id: int | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
        installed: str | None = None,
        context: int | None = None,
    ) -> list[dict[str, Any]]:
        """A member types `value` into option `focused`; the choices the bot offered."""
        values = {**(options or {}), focused: value}
        _, data, where = self._command(
            user, name, values, focused, {}, guild_id, channel_id, installed, context
        )
        ix = await self.interactions.send(InteractionType.AUTOCOMPLETE, data, where, locale=locale)
        response = await ix.response(timeout=5)
        assert response.type == InteractionCallbackType.AUTOCOMPLETE_RESULT, (
            f"autocomplete answered with callback type {response.type}"
        )
        return list(ix.choices or [])

    async def click(
        self,
        user: User,
        message: dict[str, Any],
        label: str | None = None,
        custom_id: str | None = None,
    ) -> Interaction:
        """A member clicks a button of the message as it is now, by label or custom_id."""
        current = self.world.messages[int(message["id"])]
        button = self._component(current, label, custom_id, ComponentType.BUTTON)
        data = {"custom_id": button["custom_id"], "component_type": ComponentType.BUTTON}
        return await self.interactions.send(
            InteractionType.MESSAGE_COMPONENT,
            data,
            self.places.of_message(user, current),
            message=current,
        )

    async def select(
        self, user: User, message: dict[str, Any], values: list[str], custom_id: str | None = None
    ) -> Interaction:
        """A member picks `values` in the message's select menu."""
        current = self.world.messages[int(message["id"])]
        menu = self._component(current, None, custom_id, ComponentType.STRING_SELECT)
        allowed = {option["value"] for option in menu.get("options") or []}
        if not set(values) <= allowed:
            raise AssertionError(f"{values} are not options of the select menu ({sorted(allowed)})")
        data = {
            "custom_id": menu["custom_id"],
            "component_type": ComponentType.STRING_SELECT,
            "values": values,
        }
        return await self.interactions.send(
            InteractionType.MESSAGE_COMPONENT,
            data,
            self.places.of_message(user, current),
            message=current,
        )

    async def submit_modal(self, opened_by: Interaction, values: dict[str, str]) -> Interaction:
        """The member who got the modal fills in its text inputs (`values` by custom_id) and
        submits it; Discord's client refuses a required input left empty."""
        response = await opened_by.response()
        if response.type != InteractionCallbackType.MODAL:
            raise AssertionError(f"the bot answered with callback type {response.type}, no modal")
        rows = []
        for row in response.components:
            for field in row.get("components") or []:
                value = values.get(field["custom_id"], field.get("value") or "")
                if field.get("required", True) and not value:
                    raise AssertionError(f"{field.get('label')!r} is required")
                text = {"type": ComponentType.TEXT_INPUT, "custom_id": field["custom_id"]}
                rows.append(
                    {"type": ComponentType.ACTION_ROW, "components": [{**text, "value": value}]}
                )
        data = {"custom_id": response.data["custom_id"], "components": rows}
        where = {key: value for key, value in opened_by.payload.items() if key in WHERE_FIELDS}
        return await self.interactions.send(InteractionType.MODAL_SUBMIT, data, where)

    # --- commands and their options ----------------------------------------------------------

    def _command(
        self,
        user: User,
        name: str,
        values: dict[str, Any],
        focused: str | None,
        resolved: dict[str, dict[str, Any]],
        guild_id: int | None,
        channel_id: int | None,
        installed: str | None,
        context: int | None,
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        """The synced command, the interaction's `data` and its where-fields; the users,
        channels and roles the options name go into `resolved`."""
        command, path = self._find_command(name, guild_id)
        context, installed = self.places.where(guild_id, context, installed)
        owners = self.places.owners(command, user, guild_id, context, installed)
        guild = self.world.guilds.get(guild_id) if guild_id else None
        schema = command.get("options") or []
        built = self._build_options(schema, path, values, focused, resolved, guild)
        data: dict[str, Any] = {
            "id": command["id"],
            "name": command["name"],
            "type": CommandType.CHAT_INPUT,
            "options": built,
        }
        where = self.places.fields(user, guild_id, channel_id, context=context, owners=owners)
        return command, data, where

    def _find_command(self, path: str, guild_id: int | None) -> tuple[dict[str, Any], list[str]]:
        parts = path.split()
        commands = self.world.commands
        available = [*commands.get(None, []), *(commands.get(guild_id, []) if guild_id else [])]
        for command in available:
            if command["name"] == parts[0] and command.get("type", 1) == CommandType.CHAT_INPUT:
                return command, parts[1:]
        raise AssertionError(
            f"no synced command named /{parts[0]} (synced: {[c['name'] for c in available]})"
        )

    def _build_options(
        self,
        schema: list[dict[str, Any]],
        path: list[str],
        values: dict[str, Any],
        focused: str | None,
        resolved: dict[str, dict[str, Any]],
        guild: Guild | None,
    ) -> list[dict[str, Any]]:
        if path:
            for option in schema:
                if option["type"] in SUBCOMMANDS and option["name"] == path[0]:
                    inner = self._build_options(
                        option.get("options") or [], path[1:], values, focused, resolved, guild
                    )
                    return [{"type": option["type"], "name": option["name"], "options": inner}]
            raise AssertionError(f"no subcommand {path[0]!r}")
        known = {o["name"]: o for o in schema}
        unknown = set(values) - set(known)
        if unknown:
            raise AssertionError(
                f"unknown options {sorted(unknown)}; the command has {sorted(known)}"
            )
        built = []
        for name, option in known.items():
            if name not in values or values[name] is None:
                if option.get("required") and focused is None:  # autocomplete sends partial input
                    raise AssertionError(f"required option {name!r} is missing")
                continue
            value = values[name]
            expected = VALUE_TYPES[option["type"]]
            if name != focused and not isinstance(value, expected):
                raise AssertionError(
                    f"option {name!r} should be {expected.__name__}, got {value!r}"
                )
            if option["type"] == OptionType.STRING:
                _check_length(name, option, str(value), partial=name == focused)
            choices = option.get("choices")
            if choices and name != focused and value not in [c["value"] for c in choices]:
                raise AssertionError(f"{value!r} is not a choice of {name!r}")
            entry: dict[str, Any] = {"type": option["type"], "name": name, "value": value}
            if option["type"] in SNOWFLAKE_OPTIONS:
                entry["value"] = str(value)
                self._resolve(option["type"], int(value), resolved, guild)
            if name == focused:
                entry["focused"] = True
                entry["value"] = str(value)
            built.append(entry)
        return built

    def _resolve(
        self, kind: int, snowflake: int, resolved: dict[str, dict[str, Any]], guild: Guild | None
    ) -> None:
        world = self.world
        if kind == OptionType.CHANNEL:
            resolved.setdefault("channels", {})[str(snowflake)] = {
                **world.channel_payload(world.channels[snowflake]),
                "permissions": str(MEMBER_PERMISSIONS),
            }
        elif kind == OptionType.ROLE:
            assert guild is not None
            resolved.setdefault("roles", {})[str(snowflake)] = guild.roles[snowflake].payload()
        elif kind == OptionType.USER:
            resolved.setdefault("users", {})[str(snowflake)] = world.users[snowflake].payload()

    # --- components on messages --------------------------------------------------------------

    @staticmethod
    def _component(
        message: dict[str, Any], label: str | None, custom_id: str | None, kind: ComponentType
    ) -> dict[str, Any]:
        rows: list[dict[str, Any]] = message.get("components") or []
        for row in rows:
            children: list[dict[str, Any]] = row.get("components") or []
            for component in children:
                if component.get("type") != kind:
                    continue
                if (
                    (label is not None and component.get("label") == label)
                    or (custom_id is not None and component.get("custom_id") == custom_id)
                    or (label is None and custom_id is None)
                ):
                    if component.get("disabled"):
                        raise AssertionError(f"component {label or custom_id!r} is disabled")
                    if component.get("style") == ButtonStyle.LINK:
                        raise AssertionError(f"{label!r} is a link button")
                    return component
        raise AssertionError(f"no component {label or custom_id!r} on the message")
