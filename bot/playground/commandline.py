"""A slash command typed as one line, the way Discord's message box takes it:
`/reminders stretch time:8:00 days:weekdays timezone:London`. What is being typed (for the
suggestions list), and the options with Discord's client-side checks, typed as Discord sends
them. Plain data in, plain data out: the synced commands are the JSON Discord keeps."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.localdiscord.constants import OptionType

INTEGER, NUMBER, BOOLEAN = OptionType.INTEGER, OptionType.NUMBER, OptionType.BOOLEAN
CHANNEL, ROLE = OptionType.CHANNEL, OptionType.ROLE
SUBCOMMANDS = (OptionType.SUB_COMMAND, OptionType.SUB_COMMAND_GROUP)
MENTIONS = {OptionType.USER: "@", CHANNEL: "#", ROLE: "@", OptionType.MENTIONABLE: "@"}
TRUE, FALSE = ("true", "yes", "on"), ("false", "no", "off")
MAX_SUGGESTIONS = 25  # what Discord's list shows at most

Command = dict[str, Any]
Resolver = Callable[[int, str], int | None]
"""(option type, typed name) -> the snowflake of the user, channel or role so named."""


class LineProblem(ValueError):
    """What Discord's client would not send, in the words it would say it."""


@dataclass(frozen=True)
class Suggestion:
    """One entry of the list above the box; picking it makes the line `text`."""

    text: str
    label: str
    description: str = ""


@dataclass
class CommandLine:
    """A line read against the synced commands. `path` is the command and its subcommands
    once complete; `focused` the option whose value is being typed."""

    text: str
    command: Command | None = None
    path: list[str] = field(default_factory=list)
    schema: list[dict[str, Any]] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    focused: str | None = None
    partial: str = ""  # a command path or option name being typed
    stray: str = ""  # text where an option name belongs that names none

    @property
    def complete_path(self) -> bool:
        return self.command is not None and not any(
            option["type"] in SUBCOMMANDS for option in self.schema
        )

    @property
    def name(self) -> str:
        """The command as the driver names it: "reminders stretch"."""
        return " ".join(self.path)


def leaf_paths(commands: list[Command]) -> list[tuple[str, str]]:
    """Every runnable command path with its description, as Discord lists them after "/"."""
    paths: list[tuple[str, str]] = []

    def walk(prefix: str, options: list[dict[str, Any]], description: str) -> None:
        subs = [o for o in options if o["type"] in SUBCOMMANDS]
        if not subs:
            paths.append((prefix, description))
        for sub in subs:
            walk(f"{prefix} {sub['name']}", sub.get("options") or [], sub.get("description", ""))

    for command in sorted(commands, key=lambda c: str(c["name"])):
        walk(command["name"], command.get("options") or [], command.get("description", ""))
    return paths


def read(text: str, commands: list[Command]) -> CommandLine:
    line = CommandLine(text)
    if not text.startswith("/"):
        return line
    words = text[1:].split(" ")
    command = next((c for c in commands if c["name"] == words[0]), None)
    if command is None:
        line.partial = text[1:]
        return line
    line.command, line.path, line.schema = command, [words[0]], command.get("options") or []
    used = 1
    while not line.complete_path:
        sub = next((o for o in line.schema if used < len(words) and o["name"] == words[used]), None)
        if sub is None or sub["type"] not in SUBCOMMANDS:  # still being typed
            line.partial = " ".join(words).rstrip()
            return line
        line.path.append(sub["name"])
        line.schema = sub.get("options") or []
        used += 1
    _read_options(line, " ".join(words[used:]))
    return line


def _read_options(line: CommandLine, rest: str) -> None:
    names = "|".join(re.escape(o["name"]) for o in line.schema)
    matches = list(re.finditer(rf"(?:^|\s)({names}):", rest)) if names else []
    before = (rest[: matches[0].start()] if matches else rest).strip()
    line.stray = before  # text where an option name belongs
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(rest)
        line.values[match[1]] = rest[match.end() : end].strip()
    if not matches:
        line.partial = before
        return
    if rest.endswith(" "):
        return  # the next option's name comes next
    last = matches[-1][1]
    head, _, word = line.values[last].rpartition(" ")
    if (
        head
        and word
        and any(o["name"].startswith(word) and o["name"] not in line.values for o in line.schema)
    ):
        line.partial = word  # for the list only: sent as typed, the word stays in the value
        return
    line.focused = last


def suggestions(line: CommandLine, commands: list[Command]) -> list[Suggestion]:
    """What Discord lists while the line is typed: commands after "/", then the options not
    given yet, then the static choices of the option being typed (the bot's autocomplete
    choices are asked of the bot, see `with_value`)."""
    if not line.text.startswith("/"):
        return []
    if not line.complete_path:
        typed = line.partial.lower()
        return [
            Suggestion(f"/{path} ", f"/{path}", description)
            for path, description in leaf_paths(commands)
            if path.startswith(typed)
        ][:MAX_SUGGESTIONS]
    if line.focused is not None:
        option = option_named(line, line.focused)
        typed = line.values.get(line.focused, "").lower()
        return [
            Suggestion(with_value(line, str(choice["name"])), str(choice["name"]))
            for choice in option.get("choices") or []
            if typed in str(choice["name"]).lower()
        ][:MAX_SUGGESTIONS]
    remaining = [o for o in line.schema if o["name"] not in line.values]
    remaining.sort(key=lambda o: not o.get("required", False))
    base = line.text.rstrip()
    base = base[: len(base) - len(line.partial)] if line.partial else base
    if not base.endswith(" "):
        base += " "
    return [
        Suggestion(f"{base}{o['name']}:", o["name"], _described(o))
        for o in remaining
        if o["name"].startswith(line.partial)
    ]


def heading(line: CommandLine, app_name: str) -> str:
    """The line above the list, as Discord titles it."""
    if not line.complete_path:
        return app_name
    if line.focused is None:
        return f"/{line.name}"
    option = option_named(line, line.focused)
    return f"{option['name']}: {option.get('description', '')}"


def _described(option: dict[str, Any]) -> str:
    required = "" if option.get("required") else " (optional)"
    return f"{option.get('description', '')}{required}"


def option_named(line: CommandLine, name: str) -> dict[str, Any]:
    return next(o for o in line.schema if o["name"] == name)


def with_value(line: CommandLine, value: str) -> str:
    """The line with the focused option's value replaced by `value`."""
    typed = line.values.get(line.focused or "", "")
    head = line.text.rstrip()
    head = head[: len(head) - len(typed)] if typed else head
    return f"{head}{value} "


def options(line: CommandLine, resolve: Resolver) -> dict[str, Any]:
    """The options typed as Discord sends them, or LineProblem where its client refuses."""
    if not line.complete_path:
        raise LineProblem(f"/{line.partial or line.text[1:]} is not a command here")
    if line.stray:
        known = ", ".join(o["name"] for o in line.schema) or "no options"
        raise LineProblem(f"“{line.stray}” is not an option of /{line.name} (it has {known})")
    typed: dict[str, Any] = {}
    for option in line.schema:
        raw = line.values.get(option["name"], "")
        if not raw:
            if option.get("required"):
                raise LineProblem(f"{option['name']}: this option is required")
            continue
        typed[option["name"]] = typed_value(option, raw, resolve)
    return typed


def typed_value(option: dict[str, Any], raw: str, resolve: Resolver) -> Any:
    """One option's text as Discord sends it, or LineProblem."""
    name, kind = option["name"], option["type"]
    choices = option.get("choices")
    if choices:
        for choice in choices:
            if raw.lower() in (str(choice["name"]).lower(), str(choice["value"]).lower()):
                return choice["value"]
        listed = ", ".join(str(c["name"]) for c in choices)
        raise LineProblem(f"{name}: pick one of {listed}")
    if kind == BOOLEAN:
        if raw.lower() in TRUE + FALSE:
            return raw.lower() in TRUE
        raise LineProblem(f"{name}: True or False")
    if kind in (INTEGER, NUMBER):
        return _number(option, raw)
    if kind in MENTIONS:
        snowflake = resolve(kind, raw.removeprefix(MENTIONS[kind]))
        if snowflake is None:
            raise LineProblem(f"{name}: nothing here is called {raw}")
        return snowflake
    limit = option.get("max_length")
    if limit is not None and len(raw) > limit:
        raise LineProblem(f"{name}: at most {limit} characters")
    return raw


def _number(option: dict[str, Any], raw: str) -> int | float:
    name = option["name"]
    try:
        number: int | float = int(raw) if option["type"] == INTEGER else float(raw)
    except ValueError:
        whole = "a whole number" if option["type"] == INTEGER else "a number"
        raise LineProblem(f"{name}: {whole}") from None
    low, high = option.get("min_value"), option.get("max_value")
    if (low is not None and number < low) or (high is not None and number > high):
        raise LineProblem(f"{name}: from {low} to {high}")
    return number
