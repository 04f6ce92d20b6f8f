"""Messages as Discord draws them, as HTML: the author line, the command it answers, content,
embeds (colour bar, title, description, fields, image with its alt text, footer), buttons,
select menus, "thinking…", "Only you can see this", and modals as a form. Every control is a
real, labelled form control, so the page is usable with a keyboard and a screen reader."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from bot.localdiscord.constants import (
    ButtonStyle,
    ComponentType,
    InteractionType,
    MessageFlag,
    OptionType,
)
from bot.playground.markdown import Names, to_html

STYLES = {
    ButtonStyle.PRIMARY: "primary",
    ButtonStyle.SECONDARY: "secondary",
    ButtonStyle.SUCCESS: "success",
    ButtonStyle.DANGER: "danger",
    ButtonStyle.LINK: "link",
}
SUBCOMMANDS = (OptionType.SUB_COMMAND, OptionType.SUB_COMMAND_GROUP)
PARAGRAPH = 2  # a text input's style: several lines
EYE = (
    '<svg class="eye" aria-hidden="true" viewBox="0 0 24 24" width="16" height="16">'
    '<path fill="currentColor" d="M12 5C5.6 5 2 12 2 12s3.6 7 10 7 10-7 10-7-3.6-7-10-7zm0 '
    '11a4 4 0 1 1 0-8 4 4 0 0 1 0 8zm0-6a2 2 0 1 0 0 4 2 2 0 0 0 0-4z"/></svg>'
)


class View:
    """What one member sees: their name for others, the bot's time for relative timestamps."""

    def __init__(self, app_name: str, now: datetime, names: Names) -> None:
        self.app_name = app_name
        self.now = now
        self.names = names

    def md(self, text: str) -> str:
        return to_html(text, self.now, self.names)


def message(view: View, message: dict[str, Any], origin: dict[str, Any] | None) -> str:
    """One message by the bot; `origin` is the interaction it answers, if any."""
    flags = int(message.get("flags") or 0)
    ephemeral = bool(flags & MessageFlag.EPHEMERAL)
    parts = [_author(view, message)]
    if flags & MessageFlag.LOADING:
        parts.append(
            f'<p class="thinking" role="status">{escape(view.app_name)} is thinking'
            '<span class="dots" aria-hidden="true">…</span></p>'
        )
    if message.get("content"):
        parts.append(f'<div class="content">{view.md(message["content"])}</div>')
    shown_by_embeds = set()
    for embed in message.get("embeds") or []:
        parts.append(_embed(view, embed, message.get("attachments") or []))
        shown_by_embeds.update(_media_urls(embed))
    for attachment in message.get("attachments") or []:
        if attachment["url"] not in shown_by_embeds:
            parts.append(_attachment(attachment))
    parts.append(components(message.get("components") or [], message_id=str(message["id"])))
    if ephemeral:
        parts.append(
            f'<p class="only-you">{EYE} Only you can see this · '
            '<button type="button" class="dismiss">Dismiss message</button></p>'
        )
    classes = "message ephemeral" if ephemeral else "message"
    return article(message["id"], classes, _used(origin), "".join(parts))


def notice(entry_id: str, origin: dict[str, Any], text: str, app_name: str) -> str:
    """Discord's own line where the bot stayed silent: seen only by the member who acted."""
    body = (
        f'<h3 class="author-line"><span class="author">{escape(app_name)}</span>'
        '<span class="app-tag">APP</span></h3>'
        f'<p class="failed"><span aria-hidden="true">⚠</span> {escape(text)}</p>'
    )
    return article(entry_id, "message notice", _used(origin), body)


def article(entry_id: str, classes: str, context: str, body: str) -> str:
    return (
        f'<article role="article" class="{classes}" id="m{escape(str(entry_id))}" '
        f'data-id="{escape(str(entry_id))}">{context}'
        '<img class="avatar" src="/static/app.svg" alt="">'
        f'<div class="message-body">{body}</div></article>'
    )


def _author(view: View, message: dict[str, Any]) -> str:
    when = datetime.fromisoformat(message["timestamp"]).astimezone()
    return (
        f'<h3 class="author-line"><span class="author">{escape(view.app_name)}</span>'
        '<span class="app-tag">APP</span>'
        f'<time datetime="{when.isoformat()}">Today at {when:%H:%M}</time></h3>'
    )


def _used(origin: dict[str, Any] | None) -> str:
    """ "Sam used /reminders stretch", above the answer to a slash command."""
    if origin is None or origin.get("type") != InteractionType.APPLICATION_COMMAND:
        return ""
    user = (origin.get("member") or {}).get("user") or origin.get("user") or {}
    data = origin.get("data") or {}
    path = [data.get("name", "")]
    options = data.get("options") or []
    while options and options[0].get("type") in SUBCOMMANDS:
        path.append(options[0]["name"])
        options = options[0].get("options") or []
    return (
        f'<p class="used"><span aria-hidden="true">↱</span> '
        f'<span class="who">{escape(user.get("global_name") or user.get("username", ""))}</span>'
        f' used <span class="command">/{escape(" ".join(path))}</span></p>'
    )


def _media_urls(embed: dict[str, Any]) -> set[str]:
    return {
        str((embed.get(key) or {}).get("url"))
        for key in ("image", "thumbnail")
        if (embed.get(key) or {}).get("url")
    }


def _alt(url: str, attachments: list[dict[str, Any]]) -> str:
    """An embed's picture carries the alt text of the attachment it shows."""
    for attachment in attachments:
        if attachment["url"] == url:
            return str(attachment.get("description") or attachment["filename"])
    return ""


def _embed(view: View, embed: dict[str, Any], attachments: list[dict[str, Any]]) -> str:
    colour = f"#{int(embed.get('color') or 0x1E1F22):06x}"
    parts: list[str] = []
    author = (embed.get("author") or {}).get("name")
    if author:
        parts.append(f'<p class="embed-author">{escape(author)}</p>')
    title = embed.get("title")
    if title:
        inner = view.md(title).removesuffix("<br>")
        url = embed.get("url")
        if url:
            link = f'<a href="{escape(url)}" rel="noopener noreferrer" target="_blank">'
            inner = f"{link}{inner}</a>"
        parts.append(f'<h4 class="embed-title">{inner}</h4>')
    if embed.get("description"):
        parts.append(f'<div class="embed-description">{view.md(embed["description"])}</div>')
    fields = embed.get("fields") or []
    if fields:
        cells = "".join(
            f'<div class="field{" inline" if field.get("inline") else ""}">'
            f'<div class="field-name">{view.md(field["name"]).removesuffix("<br>")}</div>'
            f'<div class="field-value">{view.md(field["value"])}</div></div>'
            for field in fields
        )
        parts.append(f'<div class="fields">{cells}</div>')
    thumbnail = (embed.get("thumbnail") or {}).get("url")
    image = (embed.get("image") or {}).get("url")
    if image:
        alt = escape(_alt(image, attachments))
        parts.append(f'<img class="embed-image" src="{escape(image)}" alt="{alt}">')
    footer = (embed.get("footer") or {}).get("text")
    if footer or embed.get("timestamp"):
        when = ""
        if embed.get("timestamp"):
            stamp = datetime.fromisoformat(embed["timestamp"]).astimezone()
            when = f"{' • ' if footer else ''}{stamp:%d/%m/%Y %H:%M}"
        parts.append(f'<p class="embed-footer">{escape(footer or "")}{when}</p>')
    side = ""
    if thumbnail:
        alt = escape(_alt(thumbnail, attachments))
        side = f'<img class="embed-thumbnail" src="{escape(thumbnail)}" alt="{alt}">'
    return (
        f'<div class="embed" style="border-left-color:{colour}">'
        f'<div class="embed-main">{"".join(parts)}</div>{side}</div>'
    )


def _attachment(attachment: dict[str, Any]) -> str:
    name, url = escape(attachment["filename"]), escape(attachment["url"])
    if attachment.get("content_type", "").startswith("image/"):
        alt = escape(attachment.get("description") or attachment["filename"])
        return f'<img class="attachment-image" src="{url}" alt="{alt}">'
    size = f"{int(attachment.get('size') or 0) / 1024:.1f} KB"
    return (
        f'<p class="file">'
        f'<a href="{url}" download="{name}">{name}</a> <span class="size">{size}</span></p>'
    )


def components(rows: list[dict[str, Any]], *, message_id: str) -> str:
    out = []
    for number, row in enumerate(rows):
        cells = []
        for component in row.get("components") or []:
            kind = component.get("type")
            if kind == ComponentType.BUTTON:
                cells.append(_button(component))
            elif kind == ComponentType.STRING_SELECT:
                cells.append(_select(component, f"{message_id}-{number}"))
        out.append(f'<div class="row">{"".join(cells)}</div>')
    return f'<div class="components">{"".join(out)}</div>' if out else ""


def _button(button: dict[str, Any]) -> str:
    emoji = (button.get("emoji") or {}).get("name") or ""
    icon = f'<span class="emoji" aria-hidden="true">{escape(emoji)}</span>' if emoji else ""
    label = escape(button.get("label") or "")
    style = STYLES.get(button.get("style", ButtonStyle.SECONDARY), "secondary")
    if button.get("style") == ButtonStyle.LINK:
        url = escape(button.get("url") or "")
        return (
            f'<a class="button link" href="{url}" rel="noopener noreferrer" target="_blank">'
            f'{icon}{label}<span class="external" aria-hidden="true">↗</span></a>'
        )
    disabled = " disabled" if button.get("disabled") else ""
    custom_id = escape(button.get("custom_id") or "")
    return (
        f'<button type="button" class="button {style}" data-custom-id="{custom_id}"'
        f"{disabled}>{icon}{label}</button>"
    )


def _select(menu: dict[str, Any], ident: str) -> str:
    placeholder = escape(menu.get("placeholder") or "Make a selection")
    disabled = " disabled" if menu.get("disabled") else ""
    many = int(menu.get("max_values") or 1) > 1
    chosen = [o for o in menu.get("options") or [] if o.get("default")]
    options = (
        [] if chosen or many else [f'<option value="" selected disabled>{placeholder}</option>']
    )
    for option in menu.get("options") or []:
        emoji = (option.get("emoji") or {}).get("name")
        label = f"{emoji} {option['label']}" if emoji else option["label"]
        selected = " selected" if option.get("default") else ""
        title = f' title="{escape(option["description"])}"' if option.get("description") else ""
        options.append(
            f'<option value="{escape(option["value"])}"{selected}{title}>{escape(label)}</option>'
        )
    custom_id = escape(menu.get("custom_id") or "")
    return (
        f'<label class="visually-hidden" for="s{ident}">{placeholder}</label>'
        f'<select id="s{ident}" class="select" data-custom-id="{custom_id}"'
        f"{' multiple' if many else ''}{disabled}>{''.join(options)}</select>"
    )


def modal(interaction_id: str, data: dict[str, Any]) -> str:
    """A modal the bot opened, as a dialog with one labelled field per text input."""
    fields = []
    for row in data.get("components") or []:
        for field in row.get("components") or []:
            ident = f"f{escape(interaction_id)}-{escape(field['custom_id'])}"
            required = field.get("required", True)
            attributes = (
                f'id="{ident}" name="{escape(field["custom_id"])}"'
                f"{' required' if required else ''}"
                f' maxlength="{int(field.get("max_length") or 4000)}"'
                f' placeholder="{escape(field.get("placeholder") or "")}"'
            )
            value = escape(field.get("value") or "")
            control = (
                f"<textarea {attributes}>{value}</textarea>"
                if field.get("style") == PARAGRAPH
                else f'<input type="text" {attributes} value="{value}">'
            )
            mark = '<span class="required" aria-hidden="true"> *</span>' if required else ""
            label = escape(field.get("label") or "")
            fields.append(f'<label for="{ident}">{label}{mark}</label>{control}')
    title = escape(data.get("title") or "")
    return (
        f'<div class="modal-backdrop"><div class="modal" role="dialog" aria-modal="true" '
        f'aria-labelledby="t{escape(interaction_id)}"><form data-interaction="{interaction_id}">'
        f'<h2 id="t{escape(interaction_id)}">{title}</h2>{"".join(fields)}'
        '<div class="modal-actions"><button type="button" class="cancel">Cancel</button>'
        '<button type="submit" class="button primary">Submit</button></div></form></div></div>'
    )
