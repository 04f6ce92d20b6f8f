"""The rules of /progress and pain check-ins: the flare rule, streaks, weekly sessions, how long
scores are kept, and the texts and flare care they are shown with."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.files import ContentError
from bot.content.messages import Messages
from bot.core.settings import DEFAULT_DATA_DIR
from bot.health.progress import (
    FLARE_WINDOW,
    is_flare,
    keep_since,
    load_progress_content,
    plan_text,
    sessions_this_and_last_week,
    shown_since,
    summarise,
)
from bot.health.sessions import Outcome, Session
from bot.scheduling.recurrence import AfterDoneSchedule, EveryNWeeksSchedule, WeeklySchedule

TODAY = date(2026, 3, 4)  # a Wednesday
CONTENT = load_progress_content(DEFAULT_DATA_DIR / "progress.toml")
MESSAGES = Messages.load(DEFAULT_DATA_DIR)
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def history(*days_ago: int, outcome: Outcome = Outcome.DONE) -> list[Session]:
    """Sessions on those days before TODAY, oldest first."""
    days = sorted(TODAY - timedelta(days=n) for n in days_ago)
    return [Session(1, datetime.combine(day, time(8), UTC), outcome, day) for day in days]


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
    sessions = sorted(
        history(0, 1, 2, 10, 11, 12, 13, 200) + history(5, outcome=Outcome.MISSED),
        key=lambda s: s.at,
    )
    scores = {TODAY - timedelta(days=n): n % 11 for n in (0, 3, 100)}
    plan = [WeeklySchedule(time(8), frozenset({0, 2, 4}), "UTC")]
    summary = summarise(TODAY, sessions, scores, plan)
    assert summary.first_day == shown_since(TODAY) == date(2025, 12, 15)
    assert summary.current_streak == 3 and summary.best_streak == 5  # 200, 13..10: one run
    assert (summary.this_week, summary.last_week) == (3, 0)
    assert TODAY - timedelta(days=200) not in summary.done_days  # before the 12 weeks
    assert len(summary.done_days) == 7
    assert set(summary.scores) == {TODAY, TODAY - timedelta(days=3)}  # day 100 is not shown
    assert summary.latest_score == (TODAY, 0)
    assert summary.average_score == 1.5
    assert summary.plan == tuple(plan)
    assert not summary.empty


def test_a_member_with_nothing_gets_the_empty_state_but_old_history_still_counts():
    assert summarise(TODAY, [], {}).empty
    tomorrow = TODAY + timedelta(days=1)
    future = [Session(1, datetime.combine(tomorrow, time(8), UTC), Outcome.DONE, tomorrow)]
    assert summarise(TODAY, future).empty  # only a future day
    old = summarise(TODAY, history(300))
    assert not old.empty and old.best_streak == 1 and not old.done_days
    assert not summarise(TODAY, [], {TODAY: 4}).empty  # a score alone is something to show


def test_the_plan_reads_in_the_members_terms():
    texts = MESSAGES
    mon_wed_fri = WeeklySchedule(time(8), frozenset({0, 2, 4}), "UTC")
    daily = WeeklySchedule(time(8), frozenset(range(7)), "UTC")
    assert plan_text([mon_wed_fri], texts, WEEKDAYS) == "Mon, Wed, Fri"
    assert plan_text([daily, AfterDoneSchedule(3, "UTC")], texts, WEEKDAYS) == (
        "every day; 3 hours after your last stretch"
    )
    fortnightly = EveryNWeeksSchedule(2, 1, time(8), "UTC", TODAY)
    assert plan_text([fortnightly], texts, WEEKDAYS) == "every 2 weeks on Tue"
    assert plan_text([mon_wed_fri, mon_wed_fri], texts, WEEKDAYS) == "Mon, Wed, Fri"
    assert plan_text([], texts, WEEKDAYS) == "no stretch reminders yet"


def test_check_ins_are_kept_twelve_months():
    assert keep_since(date(2026, 3, 4)) == date(2025, 3, 4)
    assert keep_since(date(2028, 2, 29)) == date(2027, 2, 28)


def test_the_texts_and_flare_care_load_and_fit_discord():
    texts = MESSAGES
    one = texts("progress.current_streak", count=1, plan="Mon, Wed, Fri")
    assert one.endswith("1 session in a row, your plan: Mon, Wed, Fri")
    assert "3 sessions in a row" in texts("progress.current_streak", count=3, plan="x")
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


def test_skipped_and_missed_days_are_shown_apart_and_a_done_day_is_done():
    sessions = sorted(
        history(1, 8)
        + history(3, 8, outcome=Outcome.SKIPPED)
        + history(5, 3, 1, 100, outcome=Outcome.MISSED)
        + history(0, outcome=Outcome.OPEN),
        key=lambda s: s.at,
    )
    summary = summarise(TODAY, sessions)
    def day(days: int) -> date:
        return TODAY - timedelta(days=days)

    assert summary.done_days == {day(days=1), day(days=8)}
    assert summary.skipped_days == {day(days=3)}  # day 8 was also done
    assert summary.missed_days == {day(days=5)}  # days 3 and 1 are skipped or done; 100 unshown
    assert summary.shown == {Outcome.DONE: 2, Outcome.SKIPPED: 2, Outcome.MISSED: 3}
    assert summary.best_streak == 1  # every done session has a missed one beside it
