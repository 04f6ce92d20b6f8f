"""A feature moderators can turn off is found by asking the loaded cogs, and a server's
settings say which are off by name: nothing in the core lists them."""

from bot.core.contracts import toggles
from bot.core.guild_config import GuildConfig, Toggle

LEARN = Toggle("learn", "features.learn")
STRETCH_BREAKS = Toggle("stretch_breaks", "features.stretch_breaks")


class Declares:
    def __init__(self, *declared):
        self.declared = list(declared)

    def toggles(self):
        return self.declared


def test_toggles_are_asked_of_the_loaded_features_and_kept_by_name():
    loaded = [Declares(STRETCH_BREAKS), object(), Declares(LEARN), Declares(LEARN)]
    assert toggles(loaded) == (LEARN, STRETCH_BREAKS)
    assert toggles(reversed(loaded)) == (LEARN, STRETCH_BREAKS)
    assert toggles([object()]) == ()


def test_a_toggle_names_its_setting_and_how_config_shows_it():
    assert STRETCH_BREAKS.setting == "feature_stretch_breaks"
    assert STRETCH_BREAKS.display_name == "stretch breaks"


def test_a_feature_is_off_only_where_its_setting_says_off():
    config = GuildConfig.from_raw(
        {"region": "uk", "feature_stretch_breaks": "off", "feature_learn": "on"}
    )
    assert config.disabled_features == {"stretch_breaks"}
    assert not config.enabled(STRETCH_BREAKS)
    assert config.enabled(LEARN)
    assert GuildConfig.from_raw({}).enabled(STRETCH_BREAKS)
