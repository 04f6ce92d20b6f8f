"""The words for a schedule, as data/messages.toml keys: `describe_in(schedule, messages)`.

Every kind of schedule is covered, so callers can move off the English `describe()` of
bot.scheduling.recurrence (which does not know after-done schedules).
"""

from __future__ import annotations

from bot.content.messages import Render, Text, render_text
from bot.scheduling.one_offs import AppointmentSchedule, OnceSchedule
from bot.scheduling.recurrence import (
    EVERY_DAY,
    WEEKDAYS,
    AfterDoneSchedule,
    EveryNDaysSchedule,
    EveryNWeeksSchedule,
    Schedule,
)

DAY_KEYS = (
    "reminders.day_monday",
    "reminders.day_tuesday",
    "reminders.day_wednesday",
    "reminders.day_thursday",
    "reminders.day_friday",
    "reminders.day_saturday",
    "reminders.day_sunday",
)
"""The message key of each weekday's name, Monday first (as `date.weekday()`)."""

HELD_KEY = "reminders.dm_held"
"""The line a held DM carries; `{due}` is when the occurrence was due (a Discord timestamp)."""


def describe_text(schedule: Schedule) -> Text:
    """A short line for the member, e.g. "Every weekday at 08:00 (Europe/London)"."""
    if isinstance(schedule, AfterDoneSchedule):
        return Text("reminders.schedule_after_done", {"count": schedule.hours})
    at = {"time": f"{schedule.local_time:%H:%M}", "zone": schedule.zone}
    if isinstance(schedule, OnceSchedule | AppointmentSchedule):
        key = (
            "reminders.schedule_once"
            if isinstance(schedule, OnceSchedule)
            else "reminders.schedule_appointment"
        )
        weekday = Text(DAY_KEYS[schedule.day.weekday()])
        return Text(key, {"weekday": weekday, "day": schedule.day.isoformat(), **at})
    if isinstance(schedule, EveryNDaysSchedule):
        return Text("reminders.schedule_every_days", {"interval": schedule.days, **at})
    if isinstance(schedule, EveryNWeeksSchedule):
        day = Text(DAY_KEYS[schedule.weekday])
        return Text("reminders.schedule_every_weeks", {"count": schedule.weeks, "day": day, **at})
    if schedule.weekdays == EVERY_DAY:
        return Text("reminders.schedule_every_day", at)
    if schedule.weekdays == WEEKDAYS:
        return Text("reminders.schedule_weekdays", at)
    names = tuple(Text(DAY_KEYS[day]) for day in sorted(schedule.weekdays))
    if len(names) == 1:
        return Text("reminders.schedule_days", {"days": names[0], **at})
    days = Text("reminders.and", {"items": names[:-1], "last": names[-1]})
    return Text("reminders.schedule_days", {"days": days, **at})


def describe_in(schedule: Schedule, messages: Render) -> str:
    """`describe_text` in words, e.g. `describe_in(schedule, bot.content.messages)`."""
    return render_text(describe_text(schedule), messages)
