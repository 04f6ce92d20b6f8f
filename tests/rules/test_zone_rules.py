"""Which zone rules the bot follows: the tzdata package's, whatever zone files the host has."""

import subprocess
import sys
import zoneinfo
from datetime import UTC, datetime, time

import pytest
import tzdata

from bot.scheduling.quiet_hours import QuietHours
from bot.scheduling.recurrence import WeeklySchedule, local_date, next_occurrence
from bot.scheduling.zone_index import local_time
from bot.scheduling.zone_rules import TZDATA_VERSION, host_version, zone_info, zone_names
from tests.support.helpers import ROOT
from tests.support.zone_files import fake_host, package_rules

WINTER_2027 = datetime(2027, 1, 15, 12, 0, tzinfo=UTC)
@pytest.fixture
def host_with_wrong_vancouver(tmp_path):
    """zoneinfo's search path points at a host whose Vancouver file holds Tokyo's rules."""
    folder = fake_host(tmp_path / "zoneinfo", "America/Vancouver", "Asia/Tokyo", "1999a")
    zoneinfo.reset_tzpath(to=[str(folder)])
    zoneinfo.ZoneInfo.clear_cache()
    try:
        yield folder
    finally:
        zoneinfo.reset_tzpath(to=[])
        zoneinfo.ZoneInfo.clear_cache()


def test_the_package_wins_over_the_hosts_files(host_with_wrong_vancouver):
    host = zoneinfo.ZoneInfo("America/Vancouver")  # what the standard library would use
    assert WINTER_2027.astimezone(host).utcoffset().total_seconds() == 9 * 3600
    ours = WINTER_2027.astimezone(zone_info("America/Vancouver")).utcoffset()
    assert ours == WINTER_2027.astimezone(package_rules("America/Vancouver")).utcoffset()
    assert ours != WINTER_2027.astimezone(host).utcoffset()


def test_every_rule_the_bot_applies_follows_the_package(host_with_wrong_vancouver):
    """Due times, local days, quiet hours and shown times all read the same rules."""
    package = package_rules("America/Vancouver")
    nine = WeeklySchedule(time(9, 0), frozenset(range(7)), "America/Vancouver")
    due = next_occurrence(nine, WINTER_2027)
    assert due.astimezone(package).time() == time(9, 0)
    assert due == datetime(2027, 1, 15, 9, 0, tzinfo=package)  # 05:00 there now
    assert local_date(WINTER_2027, "America/Vancouver") == WINTER_2027.astimezone(package).date()
    assert local_time("America/Vancouver", WINTER_2027) == WINTER_2027.astimezone(package)
    night = QuietHours(time(22, 0), time(7, 0))
    just_after_ten = datetime(2027, 1, 15, 22, 1, tzinfo=package)
    assert night.contains(just_after_ten, "America/Vancouver")
    assert not night.contains(datetime(2027, 1, 15, 21, 59, tzinfo=package), "America/Vancouver")


def test_the_package_is_read_for_every_zone_it_lists():
    names = zone_names()
    assert {"America/Vancouver", "Asia/Kolkata", "Asia/Calcutta", "UTC", "Etc/GMT-5"} <= names
    for name in ("America/Vancouver", "Africa/Casablanca", "Europe/Chisinau", "US/Eastern"):
        assert zone_info(name) is zone_info(name)
        assert zone_info(name).key == name
        assert WINTER_2027.astimezone(zone_info(name)).utcoffset() == WINTER_2027.astimezone(
            package_rules(name)
        ).utcoffset()


@pytest.mark.parametrize("name", ["Mars/Olympus", "../etc/passwd", "", "america/vancouver"])
def test_a_name_the_package_does_not_hold_is_not_found(name):
    with pytest.raises(zoneinfo.ZoneInfoNotFoundError):
        zone_info(name)


def test_the_version_in_use_and_the_hosts(host_with_wrong_vancouver):
    assert TZDATA_VERSION == tzdata.IANA_VERSION
    assert host_version() == "1999a"


def test_check_names_the_release_in_use_on_a_host_with_older_files(tmp_path):
    folder = fake_host(tmp_path / "zoneinfo", "America/Vancouver", "America/Los_Angeles", "2025b")
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "PYTHONTZPATH": str(folder),
        "DISCORD_TOKEN": "test-token",
        "DATABASE_PATH": str(tmp_path / "bot.db"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    expected = f"time zones: tzdata {tzdata.IANA_VERSION} (the host's own 2025b files are not used)"
    assert expected in result.stdout
