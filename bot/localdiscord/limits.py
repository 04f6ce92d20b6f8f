"""Discord's documented body limits; a body breaking one gets 400 / 50035 like from Discord."""

from __future__ import annotations

import re
from typing import Any

from .constants import (
    SELECT_TYPES,
    ButtonStyle,
    CommandType,
    ComponentType,
    OptionType,
)

COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")
BUTTON = ComponentType.BUTTON
SUBCOMMANDS = (OptionType.SUB_COMMAND, OptionType.SUB_COMMAND_GROUP)
OPTION_LENGTH_LIMIT = 6000  # the most a string option can hold, and its max_length


def message_problems(body: dict[str, Any]) -> list[str]:
    """Problems with a message body (create, edit, interaction reply or followup)."""
    problems: list[str] = []
    content = body.get("content")
    if isinstance(content, str) and len(content) > 2000:
        problems.append(f"content is {len(content)} characters (max 2000)")
    nonce = body.get("nonce")
    if nonce is not None and len(str(nonce)) > 25:
        problems.append("nonce is longer than 25 characters")
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        problems.append("more than 10 embeds")
    total = 0
    for index, embed in enumerate(embeds):
        total += _embed_problems(embed, f"embeds[{index}]", problems)
    if total > 6000:
        problems.append(f"embeds hold {total} characters (max 6000)")
    problems.extend(components_problems(body.get("components") or []))
    return problems


def _embed_problems(embed: dict[str, Any], where: str, problems: list[str]) -> int:
    size = 0
    for key, limit in (("title", 256), ("description", 4096)):
        value = embed.get(key) or ""
        size += len(value)
        if len(value) > limit:
            problems.append(f"{where}.{key} is {len(value)} characters (max {limit})")
    fields = embed.get("fields") or []
    if len(fields) > 25:
        problems.append(f"{where} has {len(fields)} fields (max 25)")
    for number, field in enumerate(fields):
        name, value = field.get("name") or "", field.get("value") or ""
        size += len(name) + len(value)
        if not name or len(name) > 256:
            problems.append(f"{where}.fields[{number}].name must be 1-256 characters")
        if not value or len(value) > 1024:
            problems.append(f"{where}.fields[{number}].value must be 1-1024 characters")
    footer = (embed.get("footer") or {}).get("text") or ""
    author = (embed.get("author") or {}).get("name") or ""
    size += len(footer) + len(author)
    if len(footer) > 2048:
        problems.append(f"{where}.footer.text is {len(footer)} characters (max 2048)")
    if len(author) > 256:
        problems.append(f"{where}.author.name is {len(author)} characters (max 256)")
    return size


def components_problems(rows: list[dict[str, Any]], max_rows: int = 5) -> list[str]:
    problems: list[str] = []
    if len(rows) > max_rows:
        problems.append(f"{len(rows)} action rows (max {max_rows})")
    seen: set[str] = set()
    for row_number, row in enumerate(rows):
        children = row.get("components") or []
        where = f"components[{row_number}]"
        if not children:
            problems.append(f"{where} is empty")
        buttons = [c for c in children if c.get("type") == BUTTON]
        selects = [c for c in children if c.get("type") in SELECT_TYPES]
        if len(buttons) > 5:
            problems.append(f"{where} has {len(buttons)} buttons (max 5)")
        if selects and len(children) > 1:
            problems.append(f"{where}: a select menu must be alone in its row")
        for child in children:
            problems.extend(_component_problems(child, where, seen))
    return problems


def _component_problems(child: dict[str, Any], where: str, seen: set[str]) -> list[str]:
    problems: list[str] = []
    custom_id = child.get("custom_id")
    is_link = child.get("type") == BUTTON and child.get("style") == ButtonStyle.LINK
    if is_link:
        if not child.get("url"):
            problems.append(f"{where}: link button without url")
        if custom_id is not None:
            problems.append(f"{where}: link button with a custom_id")
    else:
        if not custom_id or len(custom_id) > 100:
            problems.append(f"{where}: custom_id must be 1-100 characters")
        elif custom_id in seen:
            problems.append(f"{where}: duplicate custom_id {custom_id!r}")
        else:
            seen.add(custom_id)
    if child.get("type") == BUTTON and len(child.get("label") or "") > 80:
        problems.append(f"{where}: button label over 80 characters")
    if child.get("type") in SELECT_TYPES:
        options = child.get("options") or []
        if len(options) > 25:
            problems.append(f"{where}: select has {len(options)} options (max 25)")
        if child.get("type") == ComponentType.STRING_SELECT and not options:
            problems.append(f"{where}: select has no options")
        for option in options:
            if not 1 <= len(option.get("label") or "") <= 100:
                problems.append(f"{where}: option label must be 1-100 characters")
            if not 1 <= len(option.get("value") or "") <= 100:
                problems.append(f"{where}: option value must be 1-100 characters")
            if len(option.get("description") or "") > 100:
                problems.append(f"{where}: option description over 100 characters")
        if len(child.get("placeholder") or "") > 150:
            problems.append(f"{where}: placeholder over 150 characters")
    return problems


def autocomplete_problems(data: dict[str, Any]) -> list[str]:
    choices = data.get("choices") or []
    problems = [f"{len(choices)} autocomplete choices (max 25)"] if len(choices) > 25 else []
    for choice in choices:
        if not 1 <= len(str(choice.get("name", ""))) <= 100:
            problems.append("choice name must be 1-100 characters")
        if isinstance(choice.get("value"), str) and len(choice["value"]) > 100:
            problems.append("choice value over 100 characters")
    return problems


def modal_problems(data: dict[str, Any]) -> list[str]:
    problems = []
    if not 1 <= len(data.get("title") or "") <= 45:
        problems.append("modal title must be 1-45 characters")
    rows = data.get("components") or []
    if not 1 <= len(rows) <= 5:
        problems.append("a modal has 1-5 rows")
    return problems


def command_problems(commands: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    names = [c.get("name") for c in commands]
    if len(set(names)) != len(names):
        problems.append("duplicate command names")
    for command in commands:
        _command_problems(command, command.get("name", "?"), problems, top=True)
    return problems


def _command_problems(item: dict[str, Any], where: str, problems: list[str], top: bool) -> None:
    name = item.get("name") or ""
    if not COMMAND_NAME.match(name) or name != name.lower():
        problems.append(f"{where}: bad name {name!r}")
    needs_description = (
        not top or item.get("type", CommandType.CHAT_INPUT) == CommandType.CHAT_INPUT
    )
    if needs_description and not 1 <= len(item.get("description") or "") <= 100:
        problems.append(f"{where}: description must be 1-100 characters")
    options = item.get("options") or []
    if len(options) > 25:
        problems.append(f"{where}: {len(options)} options (max 25)")
    required_seen_optional = False
    for option in options:
        if option.get("type") in SUBCOMMANDS:
            _command_problems(option, f"{where} {option.get('name')}", problems, top=False)
            continue
        if not COMMAND_NAME.match(option.get("name") or ""):
            problems.append(f"{where}: bad option name {option.get('name')!r}")
        if not 1 <= len(option.get("description") or "") <= 100:
            problems.append(f"{where}.{option.get('name')}: description must be 1-100 characters")
        if len(option.get("choices") or []) > 25:
            problems.append(f"{where}.{option.get('name')}: more than 25 choices")
        problems.extend(_length_problems(option, f"{where}.{option.get('name')}"))
        if option.get("required"):
            if required_seen_optional:
                problems.append(f"{where}: required option {option['name']} after an optional one")
        else:
            required_seen_optional = True


def _length_problems(option: dict[str, Any], where: str) -> list[str]:
    """A string option's min_length (0-6000) and max_length (1-6000); other types have none."""
    problems = []
    for key, lowest in (("min_length", 0), ("max_length", 1)):
        value = option.get(key)
        if value is None:
            continue
        if option.get("type") != OptionType.STRING:
            problems.append(f"{where}: {key} is for string options only")
        elif not isinstance(value, int) or not lowest <= value <= OPTION_LENGTH_LIMIT:
            problems.append(f"{where}: {key} must be {lowest}-{OPTION_LENGTH_LIMIT}")
    low, high = option.get("min_length"), option.get("max_length")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        problems.append(f"{where}: min_length is over max_length")
    return problems


ATTACHMENT_LIMIT = 10  # files on one message
UPLOAD_LIMIT = (
    10 * 1024 * 1024
)  # one file, a bot's default (the interaction's attachment_size_limit)
REQUEST_UPLOAD_LIMIT = 25 * 1024 * 1024  # all files of one request together
DESCRIPTION_LIMIT = 1024  # an attachment's alt text
ATTACHMENT_URL = "attachment://"
EMBED_MEDIA = (
    ("image", "url"),
    ("thumbnail", "url"),
    ("author", "icon_url"),
    ("footer", "icon_url"),
)


def upload_too_large(files: list[tuple[str, bytes]], limit: int = UPLOAD_LIMIT) -> str | None:
    """Discord answers 413 / 40005 to a file over the limit, or to too many bytes in all."""
    for name, data in files:
        if len(data) > limit:
            return f"{name} is {len(data)} bytes (max {limit})"
    total = sum(len(data) for _, data in files)
    if total > REQUEST_UPLOAD_LIMIT:
        return f"the files hold {total} bytes (max {REQUEST_UPLOAD_LIMIT})"
    return None


def attachment_problems(
    body: dict[str, Any],
    uploads: int,
    existing: list[dict[str, Any]],
    attachments: list[dict[str, Any]],
) -> list[str]:
    """The `attachments` list of a body against the uploaded files and the message's own ones,
    and every `attachment://name` an embed shows against the message's resulting files."""
    problems: list[str] = []
    known = {str(attachment["id"]) for attachment in existing}
    for index, entry in enumerate(body.get("attachments") or []):
        ident = entry.get("id") if isinstance(entry, dict) else None
        if isinstance(ident, int) and not isinstance(ident, bool):
            if not 0 <= ident < uploads:
                problems.append(f"attachments[{index}].id {ident} names no uploaded file")
        elif str(ident) not in known:
            problems.append(f"attachments[{index}].id {ident!r} is not on the message")
        if len((entry or {}).get("description") or "") > DESCRIPTION_LIMIT:
            problems.append(f"attachments[{index}].description over {DESCRIPTION_LIMIT} characters")
    if len(attachments) > ATTACHMENT_LIMIT:
        problems.append(f"{len(attachments)} attachments (max {ATTACHMENT_LIMIT})")
    names = {attachment["filename"] for attachment in attachments}
    for index, embed in enumerate(body.get("embeds") or []):
        for key, field in EMBED_MEDIA:
            url = (embed.get(key) or {}).get(field) or ""
            if url.startswith(ATTACHMENT_URL) and url.removeprefix(ATTACHMENT_URL) not in names:
                problems.append(f"embeds[{index}].{key}.{field} {url!r} matches no uploaded file")
    return problems
