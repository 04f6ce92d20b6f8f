"""Parsing what members type: times, days, time zones and booking links."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content.messages import InputError, Messages
from bot.core.settings import DEFAULT_DATA_DIR
from bot.scheduling.recurrence import EVERY_DAY, WEEKDAY_NAMES, WEEKDAYS, WEEKENDS
from bot.scheduling.timeparse import (
    DAY_KEYWORDS,
    TimeParseError,
    is_safe_https_url,
    parse_days,
    parse_every_n_days,
    parse_start_day,
    parse_time,
    parse_weekday,
)
from bot.scheduling.zone_index import (
    FORMER_CITIES,
    ZONE_INDEX,
    fixed_offset_zone,
    format_offset,
    is_fixed_offset,
    parse_offset,
)
from bot.scheduling.zones import ZoneDataError, ZoneError, load_zones

MESSAGES = Messages.load(DEFAULT_DATA_DIR)
ZONES = load_zones(DEFAULT_DATA_DIR / "zones.toml")
WINTER = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # New York at UTC-5, Sydney at UTC+11
SUMMER = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)  # New York at UTC-4, Sydney at UTC+10
LOCALES = [locale.value for locale in discord.Locale]
OFFERED = [name for name, _, _ in ZONE_INDEX]


def wide(text: str) -> str:
    """The full-width forms that e.g. Japanese phone keyboards type (U+FF01 to U+FF5E)."""
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


def refusal(parse, *args, **kwargs) -> str:
    """The words a member is shown for input that `parse` refuses."""
    with pytest.raises(InputError) as excinfo:
        parse(*args, **kwargs)
    return excinfo.value.render(MESSAGES)


def resolve(text: str, locale: str | None = None, now: datetime = WINTER) -> str:
    return ZONES.resolve(text, now=now, locale=locale)


def suggest(query: str, locale: str | None = None, limit: int = 25, now: datetime = WINTER):
    return ZONES.suggest(query, now=now, locale=locale, limit=limit)


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
        ("7:30am", time(7, 30)),
        ("  7:15   am  ", time(7, 15)),
        ("7 : 15", time(7, 15)),
        ("\t20:30\n", time(20, 30)),
        ("noon", time(12, 0)),
        ("Noon", time(12, 0)),
        ("12 noon", time(12, 0)),
        ("midday", time(12, 0)),
        ("midnight", time(0, 0)),
        ("12 midnight", time(0, 0)),
        ("7.30", time(7, 30)),  # the British and Scandinavian way
        ("07.30", time(7, 30)),
        ("19.45", time(19, 45)),
        ("7.30pm", time(19, 30)),
        ("7.30 p.m.", time(19, 30)),
        ("7:30 a.m.", time(7, 30)),
        ("8 a.m", time(8, 0)),
        ("19h30", time(19, 30)),  # the French and German way
        ("19H30", time(19, 30)),
        ("7h05", time(7, 5)),
        ("19h", time(19, 0)),
        ("8h", time(8, 0)),  # "h" is the 24-hour clock: 8h is morning
        (wide("8:30"), time(8, 30)),  # full-width digits and colon
        (wide("8 PM"), time(20, 0)),
        (wide("19h30"), time(19, 30)),
        ("8\u200b:30", time(8, 30)),  # zero-width space
        ("\ufeff8am", time(8, 0)),  # byte-order mark
        ("8\u00a0am", time(8, 0)),  # no-break space
        ("\u200e21:00", time(21, 0)),  # left-to-right mark
        # the 24-hour clock without a colon, and hours only it has
        ("1930", time(19, 30)),
        ("0830", time(8, 30)),
        ("0000", time(0, 0)),
        ("2359", time(23, 59)),
        ("830", time(8, 30)),  # as 8:30 is
        ("830pm", time(20, 30)),
        ("1230 am", time(0, 30)),
        (wide("1930"), time(19, 30)),
        ("13", time(13, 0)),
        ("20", time(20, 0)),
        ("23", time(23, 0)),
        ("08", time(8, 0)),  # the leading zero is the 24-hour clock's
        ("0", time(0, 0)),
        ("00", time(0, 0)),
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
        "25h",
        "13pm",
        "0am",
        "00:30am",
        "8",  # morning or evening? refused rather than guessed
        "12",
        "24",
        "2400",
        "1960",
        "12345",
        "1330pm",
        "08300",
        "8:5",
        "8.3",
        "8:",
        "8.",
        "8:000",
        "123:00",
        "08:00:00",
        "8..30",
        "8h30h",
        "eight",
        "noonish",
        "12 noon pm",
        "13 noon",
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
    words = refusal(parse_time, text)
    assert any(hint in words for hint in ("8am", "12", "23"))


def test_parse_time_error_says_what_is_accepted():
    assert "08:00, 20:30, 8am, 8:30 pm, 7.30, 19h30, noon" in refusal(parse_time, "lunchtime")
    assert "1 to 12" in refusal(parse_time, "13pm")
    assert "am or pm" in refusal(parse_time, "8")
    assert "am or pm" in refusal(parse_time, "12")
    assert "00 to 23" in refusal(parse_time, "24")
    assert "00 to 23" in refusal(parse_time, "2460")
    assert "00 to 23" in refusal(parse_time, "25h")


@settings(max_examples=300)
@given(st.integers(0, 23), st.integers(0, 59))
def test_parse_time_round_trips_every_way_of_writing_a_time(hour, minute):
    expected = time(hour, minute)
    twelve = hour % 12 or 12
    half = "am" if hour < 12 else "pm"
    forms = [
        f"{hour:02d}:{minute:02d}",
        f"{hour}:{minute:02d}",
        f"{hour}.{minute:02d}",
        f"{hour:02d}.{minute:02d}",
        f"{hour}h{minute:02d}",
        f"{hour:02d}H{minute:02d}",
        f"{twelve}:{minute:02d} {half}",
        f"{twelve}:{minute:02d}{half.upper()}",
        f"{twelve}.{minute:02d} {half[0]}.m.",
        wide(f"{hour}:{minute:02d}"),
    ]
    for form in forms:
        assert parse_time(form) == expected, form


@given(st.integers(0, 23))
def test_parse_time_reads_a_bare_h_hour_as_the_24_hour_clock(hour):
    assert parse_time(f"{hour}h") == time(hour, 0)
    twelve = hour % 12 or 12
    assert parse_time(f"{twelve}{'am' if hour < 12 else 'pm'}") == time(hour, 0)


@given(st.text(max_size=40))
def test_parse_time_only_ever_raises_time_parse_error_with_words(text):
    try:
        result = parse_time(text)
    except TimeParseError as exc:
        words = exc.render(MESSAGES)
        assert words and "{" not in words
        return
    assert isinstance(result, time)


# --- Days -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("every day", EVERY_DAY),
        ("Every  Day", EVERY_DAY),
        ("daily", EVERY_DAY),
        ("Daily", EVERY_DAY),
        ("everyday", EVERY_DAY),
        ("weekdays", WEEKDAYS),
        ("Weekdays", WEEKDAYS),
        ("weekends", WEEKENDS),
        ("weekend", WEEKENDS),
        ("mon,wed,fri", frozenset({0, 2, 4})),
        ("Mon Wed Fri", frozenset({0, 2, 4})),
        ("monday, thursday", frozenset({0, 3})),
        ("Monday Wednesday Friday", frozenset({0, 2, 4})),
        ("tue", frozenset({1})),
        ("tues, thurs", frozenset({1, 3})),
        ("Sat & Sun", WEEKENDS),
        ("mon and fri", frozenset({0, 4})),
        ("Mondays and Fridays", frozenset({0, 4})),
        ("every tuesday", frozenset({1})),
        ("wed, wed, WEDNESDAY", frozenset({2})),
        (wide("mon,fri"), frozenset({0, 4})),
        ("mon\u200b, fri", frozenset({0, 4})),
        ("sun sat fri thu wed tue mon", EVERY_DAY),
        ("mon-fri", WEEKDAYS),
        ("Mon - Fri", WEEKDAYS),
        ("mon\u2013fri", WEEKDAYS),  # the en dash phones put in
        ("monday-friday", WEEKDAYS),
        ("monday to friday", WEEKDAYS),
        ("mon thru fri", WEEKDAYS),
        ("sat-sun", WEEKENDS),
        ("fri-mon", frozenset({4, 5, 6, 0})),  # wraps over the weekend
        ("sun-tue", frozenset({6, 0, 1})),
        ("wed-wed", frozenset({2})),
        ("mon-wed, fri", frozenset({0, 1, 2, 4})),
        ("weekdays, sat", frozenset({0, 1, 2, 3, 4, 5})),
        ("weekends and wed", frozenset({2, 5, 6})),
        # short forms
        ("M-F", WEEKDAYS),
        ("m-f", WEEKDAYS),
        ("mo we fr", frozenset({0, 2, 4})),
        ("Mo, We, Fr", frozenset({0, 2, 4})),
        ("Tu/Th", frozenset({1, 3})),
        ("tu th", frozenset({1, 3})),
        ("M W F", frozenset({0, 2, 4})),
        ("mo-fr", WEEKDAYS),
        ("sa-su", WEEKENDS),
        ("weds", frozenset({2})),
        ("Weds and Fri", frozenset({2, 4})),
        ("thurs", frozenset({3})),
        ("tues/thurs", frozenset({1, 3})),
        ("thur", frozenset({3})),
        ("Su", frozenset({6})),
    ],
)
def test_parse_days_accepts(text, expected):
    assert parse_days(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        " , ",
        "t",
        "s",
        "t-f",
        "mondayss",
        "blursday",
        "mon, funday",
        "every",
        "week",
        "mon-",
        "-fri",
        "mon--fri",
        "mon-tue-wed",
        "mx",
        "mon-blursday",
        "mon" * 40,
    ],
)
def test_parse_days_rejects(text):
    assert "weekdays" in refusal(parse_days, text)


def test_parse_days_names_the_unknown_word():
    assert "'blursday' is not a day" in refusal(parse_days, "mon, blursday")
    assert "'funday' is not a day" in refusal(parse_days, "funday-fri")
    assert "@everyone" not in refusal(parse_days, "mon, @everyone")


def test_a_letter_that_could_be_two_days_says_so():
    assert "'t' could be two days: write 'tu' or 'th'" in refusal(parse_days, "M, T, W")
    assert "'s' could be two days: write 'sa' or 'su'" in refusal(parse_days, "s")
    assert "'t' could be two days" in refusal(parse_weekday, "T")


def test_parse_days_error_offers_ranges():
    assert "mon-fri" in refusal(parse_days, "someday")


def test_day_keywords_are_the_offered_choices_and_all_parse():
    assert set(DAY_KEYWORDS) == {"every day", "weekdays", "weekends"}
    for keyword, days in DAY_KEYWORDS.items():
        assert parse_days(keyword) == days


day_name = st.integers(0, 6).flatmap(
    lambda day: st.tuples(
        st.just(day),
        st.sampled_from(
            [
                WEEKDAY_NAMES[day],
                WEEKDAY_NAMES[day][:3],
                WEEKDAY_NAMES[day].upper(),
                WEEKDAY_NAMES[day].lower() + "s",
                wide(WEEKDAY_NAMES[day][:4]),
            ]
        ),
    )
)


@settings(max_examples=300)
@given(
    st.lists(day_name, min_size=1, max_size=7), st.sampled_from([",", ", ", " ", " and ", " & "])
)
def test_parse_days_reads_any_list_of_day_names(days, separator):
    text = separator.join(name for _, name in days)
    if len(text) <= 100:
        assert parse_days(text) == frozenset(day for day, _ in days)


@settings(max_examples=300)
@given(day_name, day_name, st.sampled_from(["-", " - ", "\u2013", " to ", " through "]))
def test_parse_days_reads_any_range_going_forward_through_the_week(first, last, dash):
    (start, start_name), (end, end_name) = first, last
    days = parse_days(f"{start_name}{dash}{end_name}")
    assert start in days and end in days
    assert len(days) == (end - start) % 7 + 1
    walked = {(start + step) % 7 for step in range(len(days))}
    assert days == walked


@given(st.text(max_size=120))
def test_parse_days_only_ever_raises_time_parse_error_with_words(text):
    try:
        days = parse_days(text)
    except TimeParseError as exc:
        words = exc.render(MESSAGES)
        assert words and "{" not in words
        return
    assert days and days <= EVERY_DAY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("every 2 days", 2),
        ("Every 3 Days", 3),
        ("every other day", 2),
        ("every second day", 2),
        ("every 3rd day", 3),
        ("each 14 days", 14),
        (wide("every 5 days"), 5),
        ("weekdays", None),
        ("mon, wed, fri", None),
        ("every day", None),
        ("every tuesday", None),
    ],
)
def test_parse_every_n_days(text, expected):
    assert parse_every_n_days(text) == expected


@pytest.mark.parametrize("text", ["every 1 day", "every 15 days", "every 0 days", "every 999 days"])
def test_every_n_days_runs_from_2_to_14(text):
    assert "every 2 days to every 14 days" in refusal(parse_every_n_days, text)


MONDAY = datetime(2026, 3, 2).date()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", (2026, 3, 2)),
        ("Tomorrow", (2026, 3, 3)),
        ("mon", (2026, 3, 2)),  # today is Monday
        ("fri", (2026, 3, 6)),
        ("Sunday", (2026, 3, 8)),
        ("we", (2026, 3, 4)),
        ("2026-03-05", (2026, 3, 5)),
        ("2026-02-20", (2026, 2, 20)),  # a rhythm that began before
    ],
)
def test_parse_start_day(text, expected):
    assert parse_start_day(text, MONDAY) == datetime(*expected).date()


@pytest.mark.parametrize("text", ["", "someday", "2027-03-05", "2025-02-01", "t", "x" * 200])
def test_parse_start_day_rejects(text):
    assert "2026-03-05" in refusal(parse_start_day, text, MONDAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon", 0),
        ("Tuesday", 1),
        ("WED", 2),
        ("thur", 3),
        ("fri", 4),
        ("sat", 5),
        ("sund", 6),
        ("mo", 0),
        ("Tu", 1),
        ("weds", 2),
        ("thurs", 3),
        ("F", 4),
    ],
)
def test_parse_weekday(text, expected):
    assert parse_weekday(text) == expected


@pytest.mark.parametrize("text", ["", "mx", "mon, tue", "weekdays", "someday", "x" * 200])
def test_parse_weekday_rejects(text):
    assert "one day" in refusal(parse_weekday, text)


# --- Time zones: names, cities, abbreviations ---------------------------------------------------


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
        ("Etc/UTC", "UTC"),
        ("Etc/GMT", "UTC"),
        ("Etc/Zulu", "UTC"),
        ("zulu", "UTC"),
        ("US/Eastern", "America/New_York"),  # legacy link -> current zone
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("kolkata", "Asia/Kolkata"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("buenos aires", "America/Argentina/Buenos_Aires"),
        ("Australia/Lord_Howe", "Australia/Lord_Howe"),
        (wide("tokyo"), "Asia/Tokyo"),
        # cities as people write them: short names, former names, accents or none
        ("NYC", "America/New_York"),
        ("new york city", "America/New_York"),
        ("LA", "America/Los_Angeles"),
        ("Mumbai", "Asia/Kolkata"),
        ("Bombay", "Asia/Kolkata"),
        ("New Delhi", "Asia/Kolkata"),
        ("Calcutta", "Asia/Kolkata"),
        ("Kiev", "Europe/Kyiv"),
        ("kyiv", "Europe/Kyiv"),
        ("Saigon", "Asia/Ho_Chi_Minh"),
        ("Rangoon", "Asia/Yangon"),
        ("São Paulo", "America/Sao_Paulo"),
        ("SÃO PAULO", "America/Sao_Paulo"),
        ("sao paulo", "America/Sao_Paulo"),
        ("São Paulo", "America/Sao_Paulo"),  # the accent typed as a combining mark
        ("Zürich", "Europe/Zurich"),
        ("Bogotá", "America/Bogota"),
        ("Canberra", "Australia/Sydney"),
        ("Samoa", "Pacific/Apia"),
        # abbreviations and everyday names
        ("EDT", "America/New_York"),
        ("ET", "America/New_York"),
        ("CDT", "America/Chicago"),
        ("CT", "America/Chicago"),
        ("MDT", "America/Denver"),
        ("Mountain", "America/Denver"),
        ("arizona", "America/Phoenix"),
        ("PST", "America/Los_Angeles"),
        ("PDT", "America/Los_Angeles"),
        ("pacific", "America/Los_Angeles"),
        ("Pacific Time", "America/Los_Angeles"),
        ("AKST", "America/Anchorage"),
        ("HST", "Pacific/Honolulu"),
        ("Hawaii", "Pacific/Honolulu"),
        ("NST", "America/St_Johns"),
        ("CET", "Europe/Berlin"),
        ("CEST", "Europe/Berlin"),
        ("central european time", "Europe/Berlin"),
        ("EET", "Europe/Athens"),
        ("WET", "Europe/Lisbon"),
        ("MSK", "Europe/Moscow"),
        ("India", "Asia/Kolkata"),
        ("Indian Standard Time", "Asia/Kolkata"),
        ("Ireland", "Europe/Dublin"),
        ("Israel", "Asia/Jerusalem"),
        ("JST", "Asia/Tokyo"),
        ("KST", "Asia/Seoul"),
        ("Beijing", "Asia/Shanghai"),
        ("SGT", "Asia/Singapore"),
        ("AEDT", "Australia/Sydney"),
        ("AWST", "Australia/Perth"),
        ("queensland", "Australia/Brisbane"),
        ("NZST", "Pacific/Auckland"),
        ("NZDT", "Pacific/Auckland"),
        ("New Zealand", "Pacific/Auckland"),
        (wide("EDT"), "America/New_York"),
        # a fixed offset is stored only when the member picks it by its own name
        ("Etc/GMT-5", "Etc/GMT-5"),
        ("etc/gmt+3", "Etc/GMT+3"),
        ("Etc/GMT-14", "Etc/GMT-14"),
    ],
)
def test_resolve_zone(text, expected):
    assert resolve(text) == expected
    assert resolve(text, locale="en-US") == expected


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("CST", "en-US", "America/Chicago"),
        # Eastern and Central are American only to Americans
        ("EST", "en-US", "America/New_York"),
        ("est", "en-US", "America/New_York"),
        ("Eastern", "en-US", "America/New_York"),
        ("eastern time", "en-US", "America/New_York"),
        ("Eastern_Standard_Time", "en-US", "America/New_York"),
        (wide("EST"), "en-US", "America/New_York"),
        ("central", "en-US", "America/Chicago"),
        ("Central Time", "en-US", "America/Chicago"),
        ("CST", "zh-CN", "Asia/Shanghai"),
        ("CST", "zh-TW", "Asia/Taipei"),
        ("GMT", "en-GB", "Europe/London"),
        ("BST", "en-GB", "Europe/London"),
        ("IST", "hi", "Asia/Kolkata"),
        # the same clock in several cities: the member's own city is stored
        ("CET", "fr", "Europe/Paris"),
        ("CET", "es-ES", "Europe/Madrid"),
        ("CET", "de", "Europe/Berlin"),
        ("CET", "en-US", "Europe/Berlin"),
        ("EET", "fi", "Europe/Helsinki"),
        ("EET", "uk", "Europe/Kyiv"),
        ("ICT", "vi", "Asia/Ho_Chi_Minh"),
        ("AEDT", "en-GB", "Australia/Sydney"),
    ],
)
def test_resolve_zone_lets_the_locale_settle_names(text, locale, expected):
    assert resolve(text, locale=locale) == expected


@pytest.mark.parametrize(
    ("text", "locale", "candidates"),
    [
        ("IST", None, ["Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"]),
        ("IST", "en-US", ["Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"]),
        ("ist", "en-GB", ["Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"]),
        ("CST", "fr", ["America/Chicago", "America/Mexico_City", "Asia/Shanghai"]),
        ("CST", None, ["America/Chicago", "Asia/Shanghai"]),
        ("GMT", "en-US", ["Europe/London", "UTC"]),
        ("gmt", None, ["Europe/London", "UTC"]),
        ("BST", "de", ["Europe/London", "Asia/Dhaka"]),
        ("MST", "en-US", ["America/Denver", "America/Phoenix"]),
        ("AST", "en-US", ["America/Halifax", "Asia/Riyadh"]),
        ("AEST", "en-GB", ["Australia/Sydney", "Australia/Brisbane"]),
        ("ACST", None, ["Australia/Adelaide", "Australia/Darwin"]),
        ("EST", None, ["America/New_York", "Australia/Sydney", "Australia/Brisbane"]),
        ("EST", "en-GB", ["America/New_York", "Australia/Sydney", "Australia/Brisbane"]),
        ("est", "de", ["America/New_York", "Australia/Sydney", "Australia/Brisbane"]),
        ("Eastern", "en-GB", ["America/New_York", "Australia/Sydney", "Australia/Brisbane"]),
        ("Central", "en-GB", ["America/Chicago", "Australia/Adelaide", "Australia/Darwin"]),
        ("central", "fr", ["America/Chicago", "Australia/Adelaide", "Australia/Darwin"]),
    ],
)
def test_ambiguous_names_list_the_candidates_instead_of_guessing(text, locale, candidates):
    with pytest.raises(ZoneError) as excinfo:
        resolve(text, locale=locale)
    assert excinfo.value.keys == ("zones.ambiguous",)
    words = excinfo.value.render(MESSAGES)
    assert f"**{text}**".upper() in words.upper()  # the name as the data file writes it
    positions = [words.index(f"`{zone}`") for zone in candidates]
    assert positions == sorted(positions)  # listed, in this order
    assert "Pick yours from the list" in words


def test_ambiguous_candidates_show_their_local_time_now():
    words = refusal(resolve, "IST", now=datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    assert "`Asia/Kolkata` (now 12:30)" in words
    assert "`Europe/Dublin` (now 07:00)" in words
    assert "`Asia/Jerusalem` (now 09:00)" in words


@pytest.mark.parametrize(
    "text",
    ["", "   ", "Atlantis", "PST8PDT", "EST5EDT", "Mars/Olympus_Mons", "Etc/GMT+0x", "x" * 65],
)
def test_resolve_zone_rejects_unknown(text):
    words = refusal(resolve, text)
    assert "city like 'London'" in words


def test_resolve_zone_error_offers_close_prefix_matches_only():
    assert "Did you mean America/Argentina/Buenos_Aires" in refusal(resolve, "buenos")
    assert "Did you mean America/Los_Angeles" in refusal(resolve, "pacif", locale="en-US")
    assert "Did you mean" not in refusal(resolve, "xyzzy")
    assert "Did you mean" not in refusal(resolve, "reston")  # only inside America/Creston


# --- Time zones: offsets ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("utc+5", timedelta(hours=5)),
        ("gmt-3", timedelta(hours=-3)),
        ("utc+05:30", timedelta(hours=5, minutes=30)),
        ("utc +5", timedelta(hours=5)),
        ("utc+0530", timedelta(hours=5, minutes=30)),
        ("+5", timedelta(hours=5)),
        ("-03:00", timedelta(hours=-3)),
        ("+0", timedelta(0)),
        ("utc-0", timedelta(0)),
        ("utc+12:45", timedelta(hours=12, minutes=45)),
        ("utc+530", timedelta(hours=5, minutes=30)),
        ("utc", None),
        ("5", None),
        ("utc5", None),
        ("utc+", None),
        ("utc+5:3", None),
        ("utc+5.5", None),
        ("utc+5:30:00", None),
        ("europe/london", None),
    ],
)
def test_parse_offset(text, expected):
    assert parse_offset(text) == expected


def test_offsets_beyond_the_clock_faces_are_read_as_out_of_range():
    for text in ("utc+15", "utc-13", "utc+05:75"):
        offset = parse_offset(text)
        assert offset is not None
        assert "UTC-12:00 to UTC+14:00" in refusal(resolve, text)
        assert suggest(text) == []


@pytest.mark.parametrize(
    ("offset", "text"),
    [
        (timedelta(hours=5), "UTC+05:00"),
        (timedelta(hours=-3), "UTC-03:00"),
        (timedelta(hours=5, minutes=45), "UTC+05:45"),
        (timedelta(hours=-3, minutes=-30), "UTC-03:30"),
        (timedelta(0), "UTC+00:00"),
        (None, "UTC+00:00"),
    ],
)
def test_format_offset(offset, text):
    assert format_offset(offset) == text


@given(st.integers(-12, 14))
def test_fixed_offset_zones_keep_the_offset_people_mean(hours):
    zone = fixed_offset_zone(timedelta(hours=hours))
    if hours == 0:
        assert zone is None  # UTC is among the real zones
        return
    assert zone is not None and is_fixed_offset(zone)
    for now in (WINTER, SUMMER):
        assert now.astimezone(ZoneInfo(zone)).utcoffset() == timedelta(hours=hours)
    assert resolve(zone) == zone


def test_no_fixed_offset_zone_for_part_hours_or_outside_the_range():
    assert fixed_offset_zone(timedelta(hours=5, minutes=30)) is None
    assert fixed_offset_zone(timedelta(hours=15)) is None
    assert fixed_offset_zone(timedelta(hours=-13)) is None
    assert not is_fixed_offset("Europe/London")
    assert not is_fixed_offset("UTC")


@pytest.mark.parametrize(
    ("text", "first", "fixed"),
    [
        ("UTC+5", "Asia/Karachi", "Etc/GMT-5"),
        ("GMT-3", "America/Sao_Paulo", "Etc/GMT+3"),
        ("UTC+05:30", "Asia/Kolkata", None),
        ("+1", "Europe/Berlin", "Etc/GMT-1"),
        ("GMT+2", "Africa/Cairo", "Etc/GMT-2"),
    ],
)
def test_an_offset_offers_the_zones_there_today_and_warns_about_daylight_saving(text, first, fixed):
    with pytest.raises(ZoneError) as excinfo:
        resolve(text)
    words = excinfo.value.render(MESSAGES)
    offset = format_offset(parse_offset(text.lower()))
    assert f"**{offset}**" in words
    assert "daylight saving" in words
    assert f"`{first}`" in words
    if fixed:
        assert f"`{fixed}`" in words
        assert excinfo.value.keys == ("zones.offset", "zones.offset_fixed")
    else:
        assert excinfo.value.keys == ("zones.offset",)


def test_an_offset_nobody_keeps_today_still_names_the_fixed_zone():
    with pytest.raises(ZoneError) as excinfo:
        resolve("UTC-12")
    assert excinfo.value.keys == ("zones.offset_none", "zones.offset_fixed")
    assert "`Etc/GMT+12`" in excinfo.value.render(MESSAGES)


def test_offset_candidates_follow_the_date():
    winter = ZONES.at_offset(timedelta(hours=-5), now=WINTER, locale="en-US")
    summer = ZONES.at_offset(timedelta(hours=-5), now=SUMMER, locale="en-US")
    assert winter[0] == "America/New_York"
    assert "America/New_York" not in summer and "America/Chicago" in summer
    assert ZONES.at_offset(timedelta(hours=-4), now=SUMMER, locale="en-US")[0] == (
        "America/New_York"
    )
    assert "Australia/Sydney" in ZONES.at_offset(timedelta(hours=11), now=WINTER)
    assert "Australia/Sydney" in ZONES.at_offset(timedelta(hours=10), now=SUMMER)


@settings(max_examples=100)
@given(
    st.datetimes(datetime(2020, 1, 1), datetime(2035, 12, 31), timezones=st.just(UTC)),
    st.sampled_from(OFFERED),
    st.sampled_from([None, *LOCALES]),
)
def test_offset_candidates_are_exactly_the_zones_at_that_offset(now, zone, locale):
    offset = now.astimezone(ZoneInfo(zone)).utcoffset()
    found = ZONES.at_offset(offset, now=now, locale=locale)
    assert zone in found
    assert all(now.astimezone(ZoneInfo(name)).utcoffset() == offset for name in found)
    assert len(set(found)) == len(found)


def test_offset_suggestions_end_with_the_fixed_zone_the_member_can_pick():
    found = suggest("UTC+5")
    assert found[0] == "Asia/Karachi" and found[-1] == "Etc/GMT-5"
    assert found.count("Etc/GMT-5") == 1
    assert suggest("utc+5", limit=3)[-1] == "Etc/GMT-5"
    assert suggest("utc+5", limit=1) == ["Asia/Karachi"]
    assert suggest("UTC-12") == ["Etc/GMT+12"]
    assert "Etc/GMT-5" not in suggest("karachi") and "Etc/GMT-5" not in suggest("etc")


# --- Time zones: the data file ------------------------------------------------------------------


def test_every_offered_zone_loads_and_resolves_to_itself():
    assert len(OFFERED) > 300
    assert "UTC" in OFFERED
    assert [name for name in OFFERED if "/" not in name] == ["UTC"]
    assert not [name for name in OFFERED if name.startswith(("Etc/", "US/"))]
    for name in OFFERED:
        ZoneInfo(name)
        assert resolve(name) == name
        assert resolve(name.lower()) == name


def test_every_name_in_the_data_file_resolves_or_asks_for_every_locale():
    for typed, entry in ZONES.names.items():
        for locale in [None, *LOCALES]:
            try:
                zone = resolve(typed, locale=locale)
            except ZoneError as exc:
                assert entry.ambiguous, typed
                assert exc.keys == ("zones.ambiguous",)
            else:
                assert zone in entry.zones, typed
                assert suggest(typed, locale=locale)[0] == zone  # autocomplete agrees


def test_the_locales_in_the_data_file_are_discord_locales():
    languages = {locale.split("-")[0] for locale in LOCALES}
    for entry in ZONES.names.values():
        for locale in entry.locales:
            assert locale in LOCALES or locale in languages, locale
    assert set(ZONES._countries) == set(LOCALES)


def test_names_marked_unambiguous_keep_one_clock_all_year():
    instants = [datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=6 * n) for n in range(4 * 730)]
    for typed, entry in ZONES.names.items():
        clocks = {
            tuple(now.astimezone(ZoneInfo(zone)).utcoffset() for now in instants)
            for zone in entry.zones
        }
        if entry.ambiguous:
            assert len(clocks) > 1, f"{typed}: its zones keep one clock, so it is not ambiguous"
        else:
            assert len(clocks) == 1, f"{typed}: its zones keep different clocks"


def test_popular_zones_are_offered_and_resolve():
    assert ZONES.popular[:2] == ("UTC", "Europe/London")
    assert all(resolve(name) == name for name in ZONES.popular)


def write_zones(tmp_path, text: str):
    path = tmp_path / "zones.toml"
    path.write_text(text + '\n[ranking]\npopular = ["UTC"]\n', encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ('names = ["XST"]\nzones = ["Mars/Base"]', "not a current IANA zone"),
        ('names = ["XST"]\nzones = ["Asia/Calcutta"]', "Asia/Kolkata for Asia/Calcutta"),
        ('names = ["XST"]\nzones = ["EST"]', "not a current IANA zone"),
        ('names = ["XST"]\nzones = []', "non-empty list"),
        ('names = ["London"]\nzones = ["Europe/London"]', "already a name, zone or city"),
        ('names = ["europe/paris"]\nzones = ["Europe/London"]', "already a name, zone or city"),
        ('names = ["UTC+1"]\nzones = ["Europe/Paris"]', "bad name"),
        ('names = ["XST"]\nzones = ["UTC"]\nambiguous = true', "two zones or more"),
        (
            'names = ["XST"]\nzones = ["UTC", "Europe/London"]\nlocales = { en-GB = "Asia/Tokyo" }',
            "must name one of its zones",
        ),
        (
            'names = ["XST"]\nzones = ["UTC"]\nlocales = { english = "UTC" }',
            "must name one of its zones",
        ),
        ('names = ["XST"]\nzones = ["UTC"]\nmeaning = "x"', "unknown keys"),
    ],
)
def test_the_zones_file_is_checked_when_loaded(tmp_path, entry, problem):
    with pytest.raises(ZoneDataError, match=problem) as excinfo:
        load_zones(write_zones(tmp_path, f"[[names]]\n{entry}\n"))
    assert "zones.toml" in str(excinfo.value)


def test_the_zones_file_refuses_a_name_twice_and_unknown_countries(tmp_path):
    twice = (
        '[[names]]\nnames = ["XST"]\nzones = ["UTC"]\n[[names]]\nnames = ["xst"]\nzones = ["UTC"]'
    )
    with pytest.raises(ZoneDataError, match="already a name"):
        load_zones(write_zones(tmp_path, twice))
    with pytest.raises(ZoneDataError, match="no zones for"):
        load_zones(write_zones(tmp_path, '[locales]\nen-US = ["XX"]'))
    assert load_zones(write_zones(tmp_path, "")).names == {}


# --- Time zones: autocomplete -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "locale", "first"),
    [
        ("london", None, "Europe/London"),
        ("London", None, "Europe/London"),
        ("lon", None, "Europe/London"),  # popular beats Longyearbyen among city prefixes
        ("new york", None, "America/New_York"),
        ("new_york", None, "America/New_York"),
        ("york", None, "America/New_York"),
        ("uk", None, "Europe/London"),
        ("us/eastern", None, "America/New_York"),
        ("paris", None, "Europe/Paris"),
        ("europe/", None, "Europe/Berlin"),
        ("toronto", None, "America/Toronto"),
        ("pacific", "en-US", "America/Los_Angeles"),  # not Pacific/Auckland
        ("pacific", "en-GB", "America/Los_Angeles"),
        ("pac", "en-US", "America/Los_Angeles"),
        ("est", "en-US", "America/New_York"),  # not America/Creston
        ("eastern", "en-US", "America/New_York"),
        ("cst", "en-US", "America/Chicago"),
        ("cst", "zh-CN", "Asia/Shanghai"),
        ("gmt", "en-GB", "Europe/London"),
        ("ist", "hi", "Asia/Kolkata"),
        ("cet", "fr", "Europe/Paris"),
        ("cet", "hr", "Europe/Zagreb"),
        ("pa", "en-GB", "Europe/Paris"),  # a city prefix beats a name prefix
        ("america/", "en-US", "America/Chicago"),
        ("america/", "pt-BR", "America/Sao_Paulo"),
        ("", "en-US", "America/New_York"),
        ("", "en-GB", "Europe/London"),
        ("", "ja", "Asia/Tokyo"),
        ("", "ko", "Asia/Seoul"),
        ("", "pt-BR", "America/Sao_Paulo"),
    ],
)
def test_suggest_zones_ranks_best_match_first(query, locale, first):
    assert suggest(query, locale=locale)[0] == first


def test_suggest_zones_for_an_abbreviation_offers_every_candidate_first():
    assert suggest("ist", locale="en-US")[:3] == ["Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"]
    found = suggest("est", locale="en-US")
    assert found.index("America/New_York") < found.index("America/Creston")
    mst = suggest("mst", locale="en-US")
    assert mst[:2] == ["America/Denver", "America/Phoenix"]


def test_suggest_zones_ranks_the_members_own_country_first():
    us = suggest("", locale="en-US")
    assert us[:4] == [
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Los_Angeles",
    ]
    assert set(ZONES.popular) <= set(us)
    minus_five = suggest("UTC-5", locale="en-US")
    assert minus_five[:2] == ["America/New_York", "America/Toronto"]
    assert set(suggest("UTC-5", locale="es-419")[:2]) == {"America/Bogota", "America/Lima"}


def _tier(name: str, query: str) -> int:
    """The best tier a zone can be offered in: its IANA name, its city, or a data-file name."""
    tiers = []
    city = name.rsplit("/", 1)[-1].lower().replace("_", " ")
    full = name.lower().replace("_", " ")
    if city == query:
        tiers.append(0)
    elif city.startswith(query):
        tiers.append(1)
    elif full.startswith(query):
        tiers.append(2)
    elif query in full:
        tiers.append(3)
    for former, zone in FORMER_CITIES.items():
        if zone == name and former.startswith(query):
            tiers.append(0 if former == query else 1)
    for typed, entry in ZONES.names.items():
        if name in entry.zones:
            if typed == query:
                tiers.append(0)
            elif typed.startswith(query):
                tiers.append(2)
            elif any(word.startswith(query) for word in typed.split()):
                tiers.append(3)
    assert tiers, (name, query)
    return min(tiers)


@pytest.mark.parametrize(
    "query", ["an", "ast", "san", "america/s", "ber", "ma", "europe/", "ia", "ce", "time"]
)
@pytest.mark.parametrize("locale", [None, "en-US", "de"])
def test_suggest_zones_ranks_exact_then_city_prefix_then_name_prefix_then_substring(query, locale):
    found = suggest(query, locale=locale, limit=500)
    tiers = [_tier(name, query) for name in found]
    assert tiers == sorted(tiers)
    everything = {name for name, key, _ in ZONE_INDEX if query in key}
    everything |= {zone for former, zone in FORMER_CITIES.items() if former.startswith(query)}
    for typed, entry in ZONES.names.items():
        if typed.startswith(query) or any(word.startswith(query) for word in typed.split()):
            everything |= set(entry.zones)
    assert sorted(found) == sorted(everything)  # nothing matching is left out


def test_suggest_zones_empty_query_offers_popular_zones():
    assert suggest("") == list(ZONES.popular)
    assert suggest("  ", limit=3) == list(ZONES.popular[:3])


def test_suggest_zones_unknown_query_is_empty():
    assert suggest("zzzz") == []


@settings(max_examples=300)
@given(st.text(max_size=120), st.integers(1, 25), st.sampled_from([None, *LOCALES]))
def test_suggest_zones_bounds(query, limit, locale):
    found = suggest(query, locale=locale, limit=limit)
    assert len(found) <= limit
    assert len(set(found)) == len(found)
    assert all(len(name) <= 100 for name in found)
    assert all(resolve(name) == name for name in found)  # whatever is picked is accepted


@settings(max_examples=300)
@given(
    st.one_of(
        st.text(max_size=70),
        st.sampled_from(sorted(ZONES.names)),
        st.builds(
            lambda sign, hours, minutes, prefix: f"{prefix}{sign}{hours}{minutes}",
            st.sampled_from(["+", "-", "\u2212"]),
            st.integers(0, 20),
            st.sampled_from(["", ":00", ":30", "45", ":99"]),
            st.sampled_from(["", "UTC", "gmt", "utc "]),
        ),
    ),
    st.sampled_from([None, *LOCALES]),
)
def test_resolve_zone_returns_an_offered_zone_or_explains_in_words(text, locale):
    try:
        zone = resolve(text, locale=locale)
    except ZoneError as exc:
        words = exc.render(MESSAGES)
        assert words and "{" not in words
        return
    assert zone in OFFERED or is_fixed_offset(zone)
    ZoneInfo(zone)


def test_suggest_zones_default_limit_is_discords_25():
    assert len(suggest("a")) == 25


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
