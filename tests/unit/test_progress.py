"""The rules of /progress and pain check-ins: the flare rule, streaks, weekly sessions, how long
scores are kept, and the texts and flare care they are shown with."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content import ContentError
from bot.progress import (
    FLARE_WINDOW,
    best_streak,
    is_flare,
    keep_since,
    load_progress_content,
    sessions_this_and_last_week,
    shown_since,
    summarise,
)
from bot.settings import DEFAULT_DATA_DIR

TODAY = date(2026, 3, 4)  # a Wednesday
CONTENT = load_progress_content(DEFAULT_DATA_DIR / "progress.toml")


@pytest.mark.parametrize(
    ("score", "previous", "flare"),
    [
        (7, [], True),  # high whatever came before
        (10, [9, 9, 9], True),
        (6, [], False),  # nothing to compare with: only the first rule
        (6, [3, 3, 3], True),  # exactly 3 above the mean
        (5, [3, 3, 3], False),
        (4, [1], True),
        (6, [2, 4], True),  # mean 3
        (6, [2, 4, 4], False),  # mean 3.33
        (0, [], False),
    ],
)
def test_a_flare_is_seven_or_more_or_three_above_the_recent_mean(score, previous, flare):
    assert is_flare(score, previous) is flare


def test_only_the_previous_seven_check_ins_count():
    recent, older = [2] * FLARE_WINDOW, [9, 9, 9]
    assert is_flare(5, recent + older)  # mean of the seven is 2; older highs don't count
    assert not is_flare(5, [3] * 7 + [0] * 20)


@given(st.integers(0, 10), st.lists(st.integers(0, 10), max_size=20))
def test_the_flare_rule_written_out(score, previous):
    window = previous[:7]
    expected = score >= 7 or (bool(window) and score - sum(window) / len(window) >= 3)
    assert is_flare(score, previous) is expected


def test_a_score_outside_the_scale_is_refused():
    for score in (-1, 11):
        with pytest.raises(ValueError, match="0 to 10"):
            is_flare(score, [])


def test_best_streak_is_the_longest_run_ever():
    days = [TODAY - timedelta(days=n) for n in (0, 1, 5, 6, 7, 8, 20)]
    assert best_streak(days) == 4
    assert best_streak([]) == 0
    assert best_streak([TODAY, TODAY]) == 1


def test_sessions_count_each_done_in_this_week_and_the_whole_week_before():
    sessions = {
        date(2026, 3, 2): 2,  # Monday this week
        date(2026, 3, 4): 1,  # today
        date(2026, 3, 5): 4,  # tomorrow: not yet
        date(2026, 3, 1): 1,  # Sunday last week
        date(2026, 2, 23): 3,  # Monday last week
        date(2026, 2, 22): 9,  # the week before: not counted
    }
    assert sessions_this_and_last_week(sessions, TODAY) == (3, 4)
    assert sessions_this_and_last_week(sessions, date(2026, 3, 2)) == (2, 4)  # on a Monday


def test_the_summary_in_the_members_days():
    sessions = {TODAY - timedelta(days=n): 1 for n in (0, 1, 2, 10, 11, 12, 13, 200)}
    scores = {TODAY - timedelta(days=n): n % 11 for n in (0, 3, 100)}
    summary = summarise(TODAY, sessions, scores)
    assert summary.first_day == shown_since(TODAY) == date(2025, 12, 15)
    assert summary.current_streak == 3 and summary.best_streak == 4
    assert (summary.this_week, summary.last_week) == (3, 0)
    assert TODAY - timedelta(days=200) not in summary.done_days  # before the 12 weeks
    assert len(summary.done_days) == 7
    assert set(summary.scores) == {TODAY, TODAY - timedelta(days=3)}  # day 100 is not shown
    assert summary.latest_score == (TODAY, 0)
    assert summary.average_score == 1.5
    assert not summary.empty


def test_a_member_with_nothing_gets_the_empty_state_but_old_history_still_counts():
    assert summarise(TODAY, {}, {}).empty
    assert summarise(TODAY, {TODAY + timedelta(days=1): 1}).empty  # only a future day
    old = summarise(TODAY, {TODAY - timedelta(days=300): 1})
    assert not old.empty and old.best_streak == 1 and not old.done_days
    assert not summarise(TODAY, {}, {TODAY: 4}).empty  # a score alone is something to show


def test_check_ins_are_kept_twelve_months():
    assert keep_since(date(2026, 3, 4)) == date(2025, 3, 4)
    assert keep_since(date(2028, 2, 29)) == date(2027, 2, 28)


def test_the_texts_and_flare_care_load_and_fit_discord():
    texts = CONTENT.texts
    assert texts("progress.current_streak", count=1).endswith("1 day")
    assert texts("progress.current_streak", count=2).endswith("2 days")
    assert texts("checkins.paused", count=2, until="x").startswith("Paused your 2 ")
    flare = CONTENT.flare
    assert len(flare.steps) >= 5 and len("\n".join(f"• {s}" for s in flare.steps)) <= 1024
    assert flare.sources[0].url == "https://www.nhs.uk/conditions/sciatica/"


def test_flare_care_keeps_the_safety_net_and_names_no_medicine():
    flare = CONTENT.flare
    words = " ".join([flare.intro, *flare.steps, flare.safety]).lower()
    for sign in (
        "new trouble peeing or pooing",
        "new numbness or tingling between your legs or around your bottom",
        "less feeling when you do",
        "new problems with sex",
        "both legs",
        "a&e",
        "emergency number",
        "now",
    ):
        assert sign in flare.safety.lower(), sign
    for advice in (
        "active",
        "rest",
        "heat",
        "numb",
        "pharmacist",
        "gp",
        "more than you can cope with",
    ):
        assert advice in words, advice
    for medicine in ("paracetamol", "ibuprofen", "nsaid", "codeine", "naproxen", " mg", "dose"):
        assert medicine not in words, medicine
    assert "diagnos" not in words.replace("not a diagnosis", "")


def test_a_missing_text_or_a_mirror_link_stops_the_start(tmp_path):
    for name in ("sources.toml", "charts.toml"):
        (tmp_path / name).write_text((DEFAULT_DATA_DIR / name).read_text())
    original = (DEFAULT_DATA_DIR / "progress.toml").read_text()
    path = tmp_path / "progress.toml"
    path.write_text(original.replace('skip = "Skip"\n', ""))
    with pytest.raises(ContentError, match=r"progress\.toml: missing texts checkins\.skip"):
        load_progress_content(path)
    mirror = "https://www.windsorhousegrouppractice.co.uk/conditions/sciatica/"
    path.write_text(original.replace("https://www.nhs.uk/conditions/sciatica/", mirror))
    with pytest.raises(ContentError, match=r"progress\.toml: \[flare\]: field 'sources'"):
        load_progress_content(path)
