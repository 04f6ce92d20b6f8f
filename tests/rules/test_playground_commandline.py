"""A slash command typed as one line, read as Discord's client reads it: what is being typed,
what the list offers, and the options as Discord sends them (or the client's refusal)."""

import pytest

from bot.playground.commandline import LineProblem, heading, options, read, suggestions

TIME = {"type": 3, "name": "time", "description": "When", "required": True}
DAYS = {
    "type": 3,
    "name": "days",
    "description": "Which days",
    "required": True,
    "autocomplete": True,
}
ZONE = {"type": 3, "name": "timezone", "description": "Your zone", "autocomplete": True}
WEEKS = {"type": 4, "name": "every_weeks", "description": "Weeks", "min_value": 1, "max_value": 12}
WEEKDAY = {
    "type": 4,
    "name": "weekday",
    "description": "Day",
    "choices": [{"name": "Monday", "value": 0}, {"name": "Tuesday", "value": 1}],
}
CHANNEL = {"type": 7, "name": "channel", "description": "Where"}
ON = {"type": 5, "name": "on", "description": "On or off"}
COMMANDS = [
    {
        "name": "reminders",
        "description": "Reminders",
        "options": [
            {
                "type": 1,
                "name": "stretch",
                "description": "Stretch DMs",
                "options": [TIME, DAYS, ZONE],
            },
            {
                "type": 1,
                "name": "massage",
                "description": "Massage DMs",
                "options": [WEEKS, WEEKDAY],
            },
        ],
    },
    {"name": "about", "description": "About the bot", "options": []},
    {"name": "log", "description": "Log here", "options": [CHANNEL, ON]},
]


def offered(text):
    return [s.text for s in suggestions(read(text, COMMANDS), COMMANDS)]


def sent(text, resolve=lambda kind, name: None):
    return options(read(text, COMMANDS), resolve)


def test_a_slash_lists_every_runnable_command_with_its_description():
    found = suggestions(read("/", COMMANDS), COMMANDS)
    assert [(s.label, s.description) for s in found] == [
        ("/about", "About the bot"),
        ("/log", "Log here"),
        ("/reminders stretch", "Stretch DMs"),
        ("/reminders massage", "Massage DMs"),
    ]
    assert offered("/reminders st") == ["/reminders stretch "]
    assert heading(read("/re", COMMANDS), "The App") == "The App"


def test_after_the_command_come_its_options_required_first_then_the_rest():
    assert offered("/reminders stretch ") == [
        "/reminders stretch time:",
        "/reminders stretch days:",
        "/reminders stretch timezone:",
    ]
    assert offered("/reminders stretch time:8:00 ") == [
        "/reminders stretch time:8:00 days:",
        "/reminders stretch time:8:00 timezone:",
    ]
    assert offered("/reminders stretch time:8:00 da") == ["/reminders stretch time:8:00 days:"]


def test_the_option_being_typed_offers_its_own_choices():
    line = read("/reminders massage every_weeks:2 weekday:tu", COMMANDS)
    assert line.focused == "weekday"
    assert offered(line.text) == ["/reminders massage every_weeks:2 weekday:Tuesday "]
    assert heading(line, "The App") == "weekday: Day"
    autocompleted = read("/reminders stretch time:8:00 days:week", COMMANDS)
    assert (autocompleted.focused, autocompleted.values["days"]) == ("days", "week")


def test_a_whole_line_is_sent_as_discord_sends_its_options():
    assert sent("/reminders stretch time:8:00 days:every day timezone:Europe/London") == {
        "time": "8:00",
        "days": "every day",
        "timezone": "Europe/London",
    }
    assert sent("/reminders massage every_weeks:3 weekday:tuesday") == {
        "every_weeks": 3,
        "weekday": 1,
    }
    assert sent("/about") == {}
    channels = {"general": 42}
    assert sent("/log channel:#general on:yes", lambda kind, name: channels.get(name)) == {
        "channel": 42,
        "on": True,
    }


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("/reminders stretch time:8:00", "days: this option is required"),
        ("/reminders stretch 8:00 days:weekdays", "“8:00” is not an option"),
        ("/reminders massage every_weeks:13", "every_weeks: from 1 to 12"),
        ("/reminders massage every_weeks:two", "every_weeks: a whole number"),
        ("/reminders massage every_weeks:2 weekday:Friday", "weekday: pick one of Monday, Tuesday"),
        ("/log on:perhaps", "on: True or False"),
        ("/log channel:#nowhere", "channel: nothing here is called #nowhere"),
        ("/remind", "/remind is not a command here"),
    ],
)
def test_what_discords_client_would_not_send_is_refused_in_its_words(line, problem):
    with pytest.raises(LineProblem, match=problem):
        sent(line)
