"""Which commands Discord offers a member where they are: what /help lists."""

import pytest

from bot.ui.availability import (
    BOT_DM,
    GUILD,
    GUILD_INSTALL,
    PRIVATE_CHANNEL,
    USER_INSTALL,
    Offer,
    Place,
    offered,
)

MANAGE_GUILD, ADMINISTRATOR, SEND = 1 << 5, 1 << 3, 1 << 11
EVERYWHERE = Offer.from_payload({"contexts": [0, 1, 2], "integration_types": [0, 1]})
CONFIG = Offer.from_payload(
    {"contexts": [0], "integration_types": [0], "default_member_permissions": str(MANAGE_GUILD)}
)
BOTH = frozenset({GUILD_INSTALL, USER_INSTALL})


def place(context=GUILD, installs=BOTH, permissions=SEND):
    return Place(context, frozenset(installs), permissions)


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (place(), False),  # a member without Manage Server
        (place(permissions=SEND | MANAGE_GUILD), True),
        (place(permissions=ADMINISTRATOR), True),
        (place(installs={USER_INSTALL}, permissions=MANAGE_GUILD), False),  # bot not added
        (place(BOT_DM, {GUILD_INSTALL}, MANAGE_GUILD), False),
        (place(PRIVATE_CHANNEL, {USER_INSTALL}), False),
    ],
)
def test_config_is_offered_to_moderators_of_servers_that_added_the_bot(where, expected):
    assert offered(CONFIG, where) is expected


@pytest.mark.parametrize(
    "where",
    [
        place(),
        place(installs={USER_INSTALL}),
        place(BOT_DM, {GUILD_INSTALL}),
        place(BOT_DM, {USER_INSTALL}),
        place(PRIVATE_CHANNEL, {USER_INSTALL}),
    ],
)
def test_member_commands_follow_the_member(where):
    assert offered(EVERYWHERE, where)


def test_left_out_fields_take_discords_defaults():
    legacy = Offer.from_payload({"name": "old"})
    assert legacy.contexts == {GUILD, BOT_DM, PRIVATE_CHANNEL}
    assert legacy.installs == {GUILD_INSTALL} and legacy.default_permissions is None
    assert not offered(legacy, place(installs={USER_INSTALL}))
    no_dms = Offer.from_payload({"dm_permission": False})
    assert no_dms.contexts == {GUILD}


def test_default_permissions_zero_leaves_only_administrators_and_dms_ignore_them():
    admins = Offer.from_payload({"default_member_permissions": "0"})
    assert not offered(admins, place(permissions=MANAGE_GUILD))
    assert offered(admins, place(permissions=ADMINISTRATOR))
    assert offered(admins, place(BOT_DM, {GUILD_INSTALL}, 0))
