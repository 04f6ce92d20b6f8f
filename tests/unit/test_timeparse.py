"""Parsing what members type: times, days, time zones and booking links."""

from __future__ import annotations

import time as timer
from datetime import time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.recurrence import EVERY_DAY, WEEKDAYS, WEEKENDS
from bot.timeparse import _ZONE_INDEX as ZONE_INDEX
from bot.timeparse import (
    DAY_KEYWORDS,
    POPULAR_ZONES,
    TimeParseError,
    ZoneError,
    is_safe_https_url,
    parse_days,
    parse_time,
    parse_weekday,
    resolve_zone,
    suggest_zones,
)


def wide(text: str) -> str:
    """The full-width forms that e.g. Japanese phone keyboards type (U+FF01 to U+FF5E)."""
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


# --- Times ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8:00", time(8, 0)),
        ("08:00", time(8, 0)),
        ("8am", time(8, 0)),
        ("8 am", time(8, 0)),
        ("8 AM", time(8, 0)),
        ("8:30 pm", time(20, 30)),
        ("8:30PM", time(20, 30)),
        ("20:30", time(20, 30)),
        ("0:05", time(0, 5)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("12am", time(0, 0)),
        ("12:30am", time(0, 30)),
        ("12pm", time(12, 0)),
        ("12:45 pm", time(12, 45)),
        ("11:59pm", time(23, 59)),
        ("1am", time(1, 0)),
        ("  7:15   am  ", time(7, 15)),
        ("7 : 15", time(7, 15)),
        ("\t20:30\n", time(20, 30)),
        (wide("8:30"), time(8, 30)),  # full-width digits and colon
        (wide("8 PM"), time(20, 0)),
        ("8\u200b:30", time(8, 30)),  # zero-width space
        ("\ufeff8am", time(8, 0)),  # byte-order mark
        ("8\u00a0am", time(8, 0)),  # no-break space
        ("\u200e21:00", time(21, 0)),  # left-to-right mark
    ],
)
def test_parse_time_accepts(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "25:99",
        "24:00",
        "23:60",
        "13pm",
        "0am",
        "00:30am",
        "8",  # morning or evening? refused rather than guessed
        "20",
        "8:5",
        "8:000",
        "123:00",
        "08:00:00",
        "8.30",
        "8h30",
        "eight",
        "8 a m",
        "8amm",
        "-1:00",
        "8:00 am pm",
        "٨:٣٠",  # Arabic-Indic digits are not read as times
        "1" * 21,
        " " * 19 + "8:00",  # over 20 characters before trimming
    ],
)
def test_parse_time_rejects(text):
    with pytest.raises(TimeParseError) as excinfo:
        parse_time(text)
    assert any(hint in str(excinfo.value) for hint in ("8am", "12", "23"))


def test_parse_time_error_says_what_is_accepted():
    with pytest.raises(TimeParseError, match=r"08:00, 20:30, 8am or 8:30 pm"):
        parse_time("lunchtime")
    with pytest.raises(TimeParseError, match=r"1 to 12"):
        parse_time("13pm")
    with pytest.raises(TimeParseError, match=r"am or pm"):
        parse_time("8")


@settings(max_examples=300)
@given(st.integers(0, 23), st.integers(0, 59))
def test_parse_time_round_trips_24_hour_and_12_hour_forms(hour, minute):
    expected = time(hour, minute)
    assert parse_time(f"{hour:02d}:{minute:02d}") == expected
    assert parse_time(f"{hour}:{minute:02d}") == expected
    twelve = hour % 12 or 12
    half = "am" if hour < 12 else "pm"
    assert parse_time(f"{twelve}:{minute:02d} {half}") == expected
    assert parse_time(f"{twelve}:{minute:02d}{half.upper()}") == expected


@given(st.text(max_size=40))
def test_parse_time_only_ever_raises_time_parse_error(text):
    try:
        result = parse_time(text)
    except TimeParseError:
        return
    assert isinstance(result, time)


# --- Days -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("every day", EVERY_DAY),
        ("Every  Day", EVERY_DAY),
        ("daily", EVERY_DAY),
        ("everyday", EVERY_DAY),
        ("weekdays", WEEKDAYS),
        ("Weekdays", WEEKDAYS),
        ("weekends", WEEKENDS),
        ("weekend", WEEKENDS),
        ("mon,wed,fri", frozenset({0, 2, 4})),
        ("Mon Wed Fri", frozenset({0, 2, 4})),
        ("monday, thursday", frozenset({0, 3})),
        ("tue", frozenset({1})),
        ("tues, thurs", frozenset({1, 3})),
        ("Sat & Sun", WEEKENDS),
        ("mon and fri", frozenset({0, 4})),
        ("wed, wed, WEDNESDAY", frozenset({2})),
        (wide("mon,fri"), frozenset({0, 4})),
        ("mon\u200b, fri", frozenset({0, 4})),
        ("sun sat fri thu wed tue mon", EVERY_DAY),
    ],
)
def test_parse_days_accepts(text, expected):
    assert parse_days(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", " , ", "mo", "m", "mondays", "blursday", "mon, funday", "every", "week", "mon" * 40],
)
def test_parse_days_rejects(text):
    with pytest.raises(TimeParseError, match="weekdays"):
        parse_days(text)


def test_parse_days_names_the_unknown_word():
    with pytest.raises(TimeParseError, match="'blursday' is not a day"):
        parse_days("mon, blursday")
    with pytest.raises(TimeParseError) as excinfo:
        parse_days("mon, @everyone")
    assert "@everyone" not in str(excinfo.value)


def test_day_keywords_are_the_offered_choices_and_all_parse():
    assert set(DAY_KEYWORDS) == {"every day", "weekdays", "weekends"}
    for keyword, days in DAY_KEYWORDS.items():
        assert parse_days(keyword) == days


@pytest.mark.parametrize(
    ("text", "expected"),
    [("mon", 0), ("Tuesday", 1), ("WED", 2), ("thur", 3), ("fri", 4), ("sat", 5), ("sund", 6)],
)
def test_parse_weekday(text, expected):
    assert parse_weekday(text) == expected


@pytest.mark.parametrize("text", ["", "mo", "mon, tue", "weekdays", "someday", "x" * 200])
def test_parse_weekday_rejects(text):
    with pytest.raises(TimeParseError, match="one day"):
        parse_weekday(text)


# --- Time zones -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/London", "Europe/London"),
        ("europe/london", "Europe/London"),
        ("  EUROPE/LONDON ", "Europe/London"),
        ("london", "Europe/London"),
        ("London", "Europe/London"),
        ("uk", "Europe/London"),
        ("new york", "America/New_York"),
        ("New_York", "America/New_York"),
        ("america/new york", "America/New_York"),
        ("utc", "UTC"),
        ("UTC", "UTC"),
        ("gmt", "UTC"),
        ("Etc/UTC", "UTC"),
        ("US/Eastern", "America/New_York"),  # legacy link -> current zone
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("kolkata", "Asia/Kolkata"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("buenos aires", "America/Argentina/Buenos_Aires"),
        ("Australia/Lord_Howe", "Australia/Lord_Howe"),
        (wide("tokyo"), "Asia/Tokyo"),
    ],
)
def test_resolve_zone(text, expected):
    assert resolve_zone(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "   ", "Atlantis", "EST", "IST", "PST8PDT", "Etc/GMT+5", "Mars/Olympus_Mons", "x" * 65],
)
def test_resolve_zone_rejects_unknown_and_ambiguous(text):
    with pytest.raises(ZoneError, match="city like 'London'"):
        resolve_zone(text)


def test_resolve_zone_error_offers_close_prefix_matches_only():
    with pytest.raises(ZoneError, match="Did you mean America/Argentina/Buenos_Aires"):
        resolve_zone("buenos")
    with pytest.raises(ZoneError) as excinfo:
        resolve_zone("est")
    assert "Did you mean" not in str(excinfo.value)


def test_every_offered_zone_loads_and_resolves_to_itself():
    names = [name for name, _, _ in ZONE_INDEX]
    assert len(names) > 300
    assert "UTC" in names
    assert [name for name in names if "/" not in name] == ["UTC"]
    assert not [name for name in names if name.startswith(("Etc/", "US/"))]
    for name in names:
        ZoneInfo(name)
        assert resolve_zone(name) == name
        assert resolve_zone(name.lower()) == name


def test_popular_zones_are_offered():
    assert all(resolve_zone(name) == name for name in POPULAR_ZONES)


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("london", "Europe/London"),
        ("London", "Europe/London"),
        ("lon", "Europe/London"),  # popular beats Longyearbyen among city prefixes
        ("new york", "America/New_York"),
        ("new_york", "America/New_York"),
        ("york", "America/New_York"),
        ("uk", "Europe/London"),
        ("us/eastern", "America/New_York"),
        ("paris", "Europe/Paris"),
        ("europe/", "Europe/Berlin"),
        ("toronto", "America/Toronto"),
    ],
)
def test_suggest_zones_ranks_best_match_first(query, first):
    assert suggest_zones(query)[0] == first


def _tier(name: str, query: str) -> int:
    city = name.rsplit("/", 1)[-1].lower().replace("_", " ")
    full = name.lower().replace("_", " ")
    if city == query:
        return 0
    if city.startswith(query):
        return 1
    if full.startswith(query):
        return 2
    assert query in full
    return 3


@pytest.mark.parametrize("query", ["an", "ast", "san", "america/s", "ber", "ma", "europe/", "ia"])
def test_suggest_zones_ranks_exact_then_city_prefix_then_name_prefix_then_substring(query):
    found = suggest_zones(query, limit=500)
    tiers = [_tier(name, query) for name in found]
    assert tiers == sorted(tiers)
    everything = [name for name, key, _ in ZONE_INDEX if query in key]
    assert sorted(found) == sorted(everything)  # nothing matching is left out


def test_suggest_zones_empty_query_offers_popular_zones():
    assert suggest_zones("") == list(POPULAR_ZONES)
    assert suggest_zones("  ", limit=3) == list(POPULAR_ZONES[:3])


def test_suggest_zones_unknown_query_is_empty():
    assert suggest_zones("zzzz") == []


@settings(max_examples=300)
@given(st.text(max_size=120), st.integers(1, 25))
def test_suggest_zones_bounds(query, limit):
    found = suggest_zones(query, limit=limit)
    assert len(found) <= limit
    assert len(set(found)) == len(found)
    assert all(len(name) <= 100 for name in found)


def test_suggest_zones_default_limit_is_discords_25():
    assert len(suggest_zones("a")) == 25


def test_suggest_zones_is_fast():
    queries = ["", "a", "lon", "new york", "america/", "zzzz", "e" * 64, "asia/k"]
    started = timer.perf_counter()
    for _ in range(25):
        for query in queries:
            suggest_zones(query)
    per_call = (timer.perf_counter() - started) / (25 * len(queries))
    assert per_call < 0.005


# --- Booking links ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com",
        "https://example.com/",
        "https://booking.example.co.uk/massage?who=me&when=soon#slots",
        "HTTPS://Example.COM/Book",
        "https://example.com:8443/book",
        "https://xn--bcher-kva.example/",  # punycode host
        "https://example.com/caf%C3%A9",
        "https://example.com/café",  # non-ASCII path is fine; only the host is restricted
        "https://localhost/",
    ],
)
def test_safe_https_urls(url):
    assert is_safe_https_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "javascript:alert(1)",
        "JavaScript:alert(1)//https://example.com",
        "https://javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http://example.com",
        "ftp://example.com",
        "//example.com",
        "example.com",
        "https://",
        "https:///path",
        "https:example.com",
        "https://user:pass@example.com/",
        "https://bank.example@evil.example/",
        "https://@example.com",
        "https://exa mple.com",
        " https://example.com",
        "https://example.com/\n",
        "https://example.com/a\tb",
        "https://example.com/\x00",
        "https://example.com/\u200b",
        "https://exa\u202eelpmaxe.com",  # right-to-left override
        "https://bücher.example/",  # look-alike risk: non-ASCII host
        "https://example.com:99999/",
        "https://example.com:port/",
        "https://example.com\\@evil.example/",
        "https://-example.com/",
        "https://exa_mple.com/",
        "https://[::1]/",
        "https://example.com/" + "a" * 600,
    ],
)
def test_unsafe_urls(url):
    assert not is_safe_https_url(url)


def test_url_length_limit_is_inclusive_and_configurable():
    url = "https://example.com/"
    padded = url + "a" * (512 - len(url))
    assert is_safe_https_url(padded)
    assert not is_safe_https_url(padded + "a")
    assert not is_safe_https_url(url, max_length=len(url) - 1)
    assert is_safe_https_url(url, max_length=len(url))


@given(st.text(max_size=80))
def test_url_check_never_raises(text):
    assert isinstance(is_safe_https_url(text), bool)
