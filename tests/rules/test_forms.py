"""Forms answered by their custom_id: which submitted payloads reach which handler."""

import re

import discord

from bot.core.forms import FormRoutes

APPOINTMENT = re.compile(r"rem:appt-form:(?P<zone>[A-Za-z_/]*)")
NOTE = re.compile(r"note:(?P<n>[0-9]+)")


async def appointment(interaction, match):
    """A handler (never run here)."""


async def note(interaction, match):
    """Another handler (never run here)."""


def submitted(custom_id, kind=discord.InteractionType.modal_submit):
    return {"type": kind.value, "data": {"custom_id": custom_id, "components": []}}


def test_a_submitted_form_goes_to_the_handler_whose_pattern_matches_all_of_its_id():
    routes = FormRoutes()
    routes.add(APPOINTMENT, appointment)
    routes.add(NOTE, note)
    handler, match = routes.find(submitted("rem:appt-form:Europe/London"))
    assert handler is appointment and match["zone"] == "Europe/London"
    handler, match = routes.find(submitted("note:12"))
    assert handler is note and match["n"] == "12"
    assert routes.find(submitted("note:12x")) is None  # the whole id, not a prefix
    assert routes.find(submitted("someone-else's-form")) is None


def test_only_forms_are_routed_and_a_removed_route_takes_nothing():
    routes = FormRoutes()
    routes.add(NOTE, note)
    button = submitted("note:1", discord.InteractionType.component)
    assert routes.find(button) is None
    assert routes.find({"type": discord.InteractionType.modal_submit.value}) is None  # no data
    routes.remove(NOTE)
    assert routes.find(submitted("note:1")) is None
