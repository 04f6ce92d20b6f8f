"""Messages drawn as Discord draws them, as HTML whose controls are real, labelled form
controls; and text a member typed never becomes markup."""

from datetime import UTC, datetime
from html.parser import HTMLParser

from bot.playground import render
from bot.playground.markdown import to_html

NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
VIEW = render.View("The App", NOW, lambda kind, snowflake: {5: "general", 7: "Sam"}[snowflake])


class Tags(HTMLParser):
    """The start tags of a fragment with their attributes, in order."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def all(self, tag):
        return [attrs for name, attrs in self.found if name == tag]


def bot_message(**fields):
    return {"id": "11", "timestamp": NOW.isoformat(), "flags": 0, **fields}


def test_markdown_is_drawn_and_typed_markup_stays_text():
    html = to_html(
        "**Bold** <script>alert(1)</script> [NHS](https://www.nhs.uk/) <#5> <@7> <t:1772438400:R>",
        NOW,
        VIEW.names,
    )
    assert "<strong>Bold</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://www.nhs.uk/"' in html and ">NHS</a>" in html
    assert "#general" in html and "@Sam" in html
    assert ">in an hour</time>" in html  # counted from the bot's time


def test_an_embed_shows_its_picture_with_the_attachments_alt_text():
    url = "http://127.0.0.1:1/attachments/9/cat.png"
    message = bot_message(
        embeds=[
            {
                "title": "Cat stretch",
                "color": 0x3BA55D,
                "description": "Slowly",
                "fields": [{"name": "Hold", "value": "10 s", "inline": True}],
                "image": {"url": url},
                "footer": {"text": "Not medical advice"},
            }
        ],
        attachments=[{"url": url, "filename": "cat.png", "description": "A person on all fours"}],
    )
    html = render.message(VIEW, message, None)
    [image] = Tags(html).all("img")[1:]  # after the avatar
    assert image == {"class": "embed-image", "src": url, "alt": "A person on all fours"}
    assert "border-left-color:#3ba55d" in html
    assert '<h4 class="embed-title">Cat stretch</h4>' in html
    assert "Not medical advice" in html and "10 s" in html
    assert html.count(url) == 1  # shown by the embed, not again beside it


def test_buttons_and_menus_are_labelled_controls_with_their_state():
    rows = [
        {
            "type": 1,
            "components": [
                {"type": 2, "style": 3, "label": "Done", "custom_id": "done"},
                {"type": 2, "style": 2, "label": "Back", "custom_id": "back", "disabled": True},
                {"type": 2, "style": 5, "label": "NHS", "url": "https://www.nhs.uk/"},
            ],
        },
        {
            "type": 1,
            "components": [
                {
                    "type": 3,
                    "custom_id": "topic",
                    "placeholder": "Related topics…",
                    "options": [{"label": "Symptoms", "value": "symptoms"}],
                }
            ],
        },
    ]
    tags = Tags(render.message(VIEW, bot_message(components=rows, flags=64), None))
    buttons = tags.all("button")
    assert [(b["class"], b.get("data-custom-id"), "disabled" in b) for b in buttons[:2]] == [
        ("button success", "done", False),
        ("button secondary", "back", True),
    ]
    assert buttons[2]["class"] == "dismiss"  # "Only you can see this · Dismiss message"
    [link] = [a for a in tags.all("a") if a.get("class") == "button link"]
    assert link["href"] == "https://www.nhs.uk/"
    [label] = tags.all("label")
    [menu] = tags.all("select")
    assert label["for"] == menu["id"] and menu["data-custom-id"] == "topic"


def test_a_deferred_answer_is_thinking_and_a_command_answer_says_who_used_it():
    origin = {
        "type": 2,
        "member": {"user": {"id": "7", "username": "sam", "global_name": "Sam"}},
        "data": {"name": "reminders", "options": [{"type": 1, "name": "list", "options": []}]},
    }
    html = render.message(VIEW, bot_message(content="", flags=128), origin)
    assert "The App is thinking" in html
    assert 'Sam</span> used <span class="command">/reminders list</span>' in html


def test_a_modal_is_a_dialog_of_labelled_fields():
    modal = {
        "custom_id": "note",
        "title": "Your note",
        "components": [
            {
                "type": 1,
                "components": [{"type": 4, "custom_id": "text", "label": "Note", "style": 2}],
            },
            {
                "type": 1,
                "components": [
                    {"type": 4, "custom_id": "mood", "label": "Mood", "style": 1, "required": False}
                ],
            },
        ],
    }
    tags = Tags(render.modal("55", modal))
    [dialog] = [t for t in tags.all("div") if t.get("role") == "dialog"]
    assert dialog["aria-labelledby"] == "t55"
    labels = [label["for"] for label in tags.all("label")]
    controls = [*tags.all("textarea"), *tags.all("input")]
    assert labels == [control["id"] for control in controls]
    assert ["required" in control for control in controls] == [True, False]
