"""Forms (modals) answered by their custom_id, in whichever process receives the answer.

discord.py routes a form's answer only to the Modal object that sent it, kept in that
process's memory, so an answer after a restart or in another process would go nowhere. A
feature instead adds its form's custom_id pattern here (as it adds dynamic items for its
buttons), and the client hands each matching answer to the feature's handler.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.content.messages import Messages
from bot.core.errors import report_error

FormHandler = Callable[[discord.Interaction[Any], re.Match[str]], Awaitable[None]]
"""Answers a submitted form; the match is its custom_id's, against the pattern it was added with."""


class FormRoutes:
    """The form patterns features answer, and which one a submitted form's payload matches."""

    def __init__(self) -> None:
        self._handlers: dict[re.Pattern[str], FormHandler] = {}

    def add(self, pattern: re.Pattern[str], handler: FormHandler) -> None:
        self._handlers[pattern] = handler

    def remove(self, pattern: re.Pattern[str]) -> None:
        self._handlers.pop(pattern, None)

    def find(self, payload: dict[str, Any]) -> tuple[FormHandler, re.Match[str]] | None:
        """The handler for an INTERACTION_CREATE payload, if it is a form some feature answers."""
        if payload.get("type") != discord.InteractionType.modal_submit.value:
            return None
        custom_id = str((payload.get("data") or {}).get("custom_id", ""))
        for pattern, handler in self._handlers.items():
            match = pattern.fullmatch(custom_id)
            if match is not None:
                return handler, match
        return None


async def answer_form(
    interaction: discord.Interaction[Any],
    handler: FormHandler,
    match: re.Match[str],
    messages: Messages,
) -> str:
    """Run the handler; a failure answers the member as a command's would. The outcome word."""
    try:
        await handler(interaction, match)
    except Exception as exc:
        return await report_error(interaction, exc, messages)
    return "ok"
