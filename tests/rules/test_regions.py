"""Emergency and advice numbers by region, and whose numbers a member is shown."""

import pytest

from bot.content.files import ContentError
from bot.content.messages import Messages
from bot.core.settings import DEFAULT_DATA_DIR
from bot.health.regions import RegionChoice, RegionSource, choose_region, load_regions, numbers_text
from bot.health.triage import Level

MESSAGES = Messages.load(DEFAULT_DATA_DIR)
REGIONS = load_regions(DEFAULT_DATA_DIR / "regions.toml")


def test_india_shows_112_and_108_linked_to_the_national_health_mission():
    india = REGIONS["india"]
    assert "**112**" in india.emergency and "**108**" in india.emergency
    assert "ambulance" in india.emergency
    hosts = {source.url.split("/")[2] for source in india.sources}
    assert "nhm.gov.in" in hosts
    shown = numbers_text(MESSAGES, Level.EMERGENCY, RegionChoice(india, RegionSource.TYPED))
    assert "112" in shown and "108" in shown
    assert "108" in MESSAGES("quickcheck.ui.no_region")


def test_regions_have_emergency_numbers_and_https_sources():
    regions = REGIONS
    expected = {
        "uk": "999",
        "ireland": "112",
        "eu": "112",
        "us": "911",
        "canada": "911",
        "australia": "000",
        "new-zealand": "111",
        "india": "112",
    }
    for key, number in expected.items():
        assert number in regions[key].emergency
    assert "local emergency number" in regions["other"].emergency
    assert "1800 022 222" in regions["australia"].urgent
    assert "13 43 25 84" in regions["australia"].urgent
    assert "0800 611 116" in regions["new-zealand"].urgent
    assert "111" in regions["uk"].urgent
    assert "Northern Ireland" in regions["uk"].urgent and "out-of-hours" in regions["uk"].urgent
    assert regions["uk"].short == "UK"
    for region in regions.values():
        assert region.short and len(region.short) <= 20
        assert all(source.url.startswith("https://") for source in region.sources)


def test_a_region_without_a_short_name_is_refused(tmp_path):
    (tmp_path / "sources.toml").write_text((DEFAULT_DATA_DIR / "sources.toml").read_text())
    text = (DEFAULT_DATA_DIR / "regions.toml").read_text()
    assert 'short = "UK"\n' in text
    (tmp_path / "regions.toml").write_text(text.replace('short = "UK"\n', "", 1))
    with pytest.raises(ContentError, match=r"regions.toml: \[uk\]: field 'short'"):
        load_regions(tmp_path / "regions.toml")
    too_long = text.replace('short = "UK"', 'short = "' + "U" * 21 + '"')
    (tmp_path / "regions.toml").write_text(too_long)
    with pytest.raises(ContentError, match="the limit is 20"):
        load_regions(tmp_path / "regions.toml")


def test_the_region_typed_now_beats_the_remembered_one_and_the_servers():
    choice = choose_region(REGIONS, typed="us", remembered="australia", server="uk")
    assert choice == RegionChoice(REGIONS["us"], RegionSource.TYPED)


def test_the_remembered_region_beats_the_servers():
    choice = choose_region(REGIONS, typed=None, remembered="uk", server="new-zealand")
    assert choice == RegionChoice(REGIONS["uk"], RegionSource.REMEMBERED)


def test_the_servers_region_is_the_last_resort_and_unknown_keys_fall_through():
    choice = choose_region(REGIONS, typed="atlantis", remembered="gone", server="uk")
    assert choice == RegionChoice(REGIONS["uk"], RegionSource.SERVER)
    assert choose_region(REGIONS, typed=" US ", remembered=None, server=None) == RegionChoice(
        REGIONS["us"], RegionSource.TYPED
    )
    assert choose_region(REGIONS, typed="", remembered=None, server=None) is None
    by_name = choose_region(REGIONS, typed="united states", remembered=None, server=None)
    assert by_name == RegionChoice(REGIONS["us"], RegionSource.TYPED)


def test_numbers_say_whose_they_are_and_always_add_elsewhere():
    us_here = numbers_text(MESSAGES, Level.URGENT, RegionChoice(REGIONS["us"], RegionSource.TYPED))
    assert "US numbers" in us_here and "911" in us_here and "999" not in us_here
    assert MESSAGES("quickcheck.ui.elsewhere") in us_here and REGIONS["us"].urgent in us_here
    uk = RegionChoice(REGIONS["uk"], RegionSource.SERVER)
    uk_server = numbers_text(MESSAGES, Level.EMERGENCY, uk)
    assert "UK numbers" in uk_server and "this server's setting" in uk_server
    assert REGIONS["uk"].urgent not in uk_server  # an emergency shows only emergency numbers
    assert MESSAGES("quickcheck.ui.elsewhere") in uk_server


@pytest.mark.parametrize("choice", [None, RegionChoice(REGIONS["other"], RegionSource.TYPED)])
def test_no_region_lists_the_main_emergency_numbers(choice):
    text = numbers_text(MESSAGES, Level.SOON, choice)
    for number in ("999", "911", "112", "000", "111"):
        assert number in text
    assert MESSAGES("quickcheck.ui.elsewhere") in text
