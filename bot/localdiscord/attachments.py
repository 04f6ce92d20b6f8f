"""Files on messages, as Discord works them out from an upload: which attachments a message
ends up with, kept in the world to be served at its CDN address, which embeds then show."""

from __future__ import annotations

import copy
from typing import Any

from . import limits
from .constants import ErrorCode
from .models import DiscordError
from .world import World

Files = list[tuple[str, bytes]]
CONTENT_TYPES = {"png": "image/png", "pdf": "application/pdf", "json": "application/json"}
"""The media type Discord gives an upload, by its extension."""


def resolve(
    body: dict[str, Any],
    files: Files,
    edited: dict[str, Any] | None,
    world: World,
) -> list[dict[str, Any]]:
    """The attachments a message will have, or the rejection: 413 for too many bytes, 400 for
    an `attachments` entry or `attachment://` that matches no file. `edited` is the message an
    edit changes (None for a new message)."""
    problem = limits.upload_too_large(files)
    if problem is not None:
        raise DiscordError(413, ErrorCode.ENTITY_TOO_LARGE, "Request entity too large", why=problem)
    existing = list((edited or {}).get("attachments") or [])
    listed = body.get("attachments")
    if listed is None:  # no list: an edit keeps what it had and adds the new files
        result = [*existing, *(uploaded(world, name, data, None) for name, data in files)]
    else:
        by_id = {str(attachment["id"]): attachment for attachment in existing}
        result = []
        for entry in listed:
            ident = entry.get("id") if isinstance(entry, dict) else None
            if isinstance(ident, int) and 0 <= ident < len(files):
                name, data = files[ident]
                name = entry.get("filename") or name
                result.append(uploaded(world, name, data, entry.get("description")))
            elif str(ident) in by_id:
                result.append(by_id[str(ident)])
    # an edit that leaves the embeds alone keeps showing the message's own files
    checked = body if "embeds" in body or edited is None else {**body, "embeds": []}
    problems = limits.attachment_problems(checked, len(files), existing, result)
    if problems:
        raise DiscordError.form(problems)
    return result


def uploaded(world: World, name: str, data: bytes, description: str | None) -> dict[str, Any]:
    ident = world.next_id()
    world.files[ident] = data
    url = f"{world.cdn_base}/attachments/{ident}/{name}"
    attachment = {
        "id": str(ident),
        "filename": name,
        "size": len(data),
        "url": url,
        "proxy_url": url,
        "content_type": CONTENT_TYPES.get(
            name.rpartition(".")[2].lower(), "application/octet-stream"
        ),
    }
    if description is not None:
        attachment["description"] = description
    return attachment


def attach(message: dict[str, Any], attachments: list[dict[str, Any]]) -> None:
    """Store the attachments; embeds then point at their CDN address, as Discord returns."""
    message["attachments"] = attachments
    urls = {a["filename"]: a["url"] for a in attachments}
    message["embeds"] = copy.deepcopy(message.get("embeds") or [])  # the request stays as sent
    for embed in message["embeds"]:
        for key, field in limits.EMBED_MEDIA:
            media = embed.get(key) or {}
            url = media.get(field) or ""
            if url.startswith(limits.ATTACHMENT_URL):
                media[field] = urls[url.removeprefix(limits.ATTACHMENT_URL)]
