"""The page around the messages, drawn on the server for the person the page acts as: the
server and its #general, the bot's DMs, the "Acting as" switch, the clock, and the Command box."""

from __future__ import annotations

from html import escape

from bot.playground import render
from bot.playground.session import APP_NAME, DMS, GENERAL, Entry, Person, World

PLACES = {GENERAL: "#general", DMS: "Direct messages"}


def entry_html(world: World, person: Person, entry: Entry) -> str:
    view = render.View(APP_NAME, world.clock.now(), world.name_of)
    if entry.message is None:
        return render.notice(entry.id, entry.origin or {}, entry.notice, APP_NAME)
    return render.message(view, entry.message, entry.origin)


def page(world: World, person: Person, place: str) -> str:
    guild = person.guild
    logs = "".join(_log(world, person, where, where == place) for where in (GENERAL, DMS))
    people = "".join(
        f'<option value="{key}"{" selected" if key == person.key else ""}>'
        f"{escape(other.label)}</option>"
        for key, other in world.people.items()
    )
    topic = (
        "The bot is not in this server: Robin reaches it through the app added to their own "
        "account."
        if person.installed == "user"
        else "Try any command: type / in the box below."
    )
    offset = int(world.clock.offset.total_seconds() * 1000)
    initials = "".join(word[0] for word in guild.name.split()[:2])
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(APP_NAME)} playground</title>
<link rel="icon" href="/static/app.svg">
<link rel="stylesheet" href="/static/playground.css">
</head>
<body data-person="{person.key}" data-place="{place}" data-offset="{offset}">
<div class="app">
<nav class="servers" aria-label="Servers">
<span class="server-icon" title="{escape(guild.name)}">{escape(initials)}</span>
</nav>
<aside class="sidebar">
<header class="server-name">{escape(guild.name)}</header>
<nav class="channels" aria-label="Channels">
<p class="category">Text channels</p>{_link(person, GENERAL, place)}
<p class="category">Direct messages</p>{_link(person, DMS, place)}
</nav>
<section class="controls" aria-label="Playground">
<label for="acting-as">Acting as</label>
<select id="acting-as" aria-describedby="about-person">{people}</select>
<p id="about-person" class="note">{escape(person.about)}</p>
<p class="clock">The bot's time: <time id="clock">{world.clock.now():%a %d %b %H:%M}</time></p>
<button type="button" id="fast-forward" class="button primary">
Fast-forward to the next reminder</button>
<p id="clock-note" class="note" role="status"></p>
<button type="button" id="reset" class="button secondary">Reset</button>
<p class="note">Everything runs on this computer: the real bot, a local Discord, no account.</p>
</section>
</aside>
<main>
<header class="channel-header"><h1 id="place-name">{_channel_name(place)}</h1>
<p class="topic">{escape(topic)}</p></header>
{logs}
<form class="composer" id="composer" autocomplete="off">
<ul id="suggestions" role="listbox" aria-label="Suggestions" hidden></ul>
<p id="problem" role="alert"></p>
<input id="command" name="command" aria-label="Command" role="combobox"
 aria-controls="suggestions" aria-expanded="false" aria-autocomplete="list"
 placeholder="Type / to see the commands" spellcheck="false">
</form>
</main>
</div>
<div id="modal-root"></div>
<script src="/static/playground.js" defer></script>
</body>
</html>
"""


def _link(person: Person, where: str, place: str) -> str:
    current = where == place
    return (
        f'<a class="channel{" active" if current else ""}" data-place="{where}" '
        f'href="?as={person.key}&amp;in={where}"{" aria-current=page" if current else ""}>'
        f'{_channel_name(where)}<span class="badge" hidden></span></a>'
    )


def _channel_name(place: str) -> str:
    if place == GENERAL:
        return '<span class="hash" aria-hidden="true">#</span>general'
    return f'<img class="dm-avatar" src="/static/app.svg" alt="">{escape(APP_NAME)}'


def _log(world: World, person: Person, place: str, shown: bool) -> str:
    entries = "".join(entry_html(world, person, e) for e in world.visible(person, place))
    welcome = (
        '<p class="welcome">This is the start of the #general channel.</p>'
        if place == GENERAL
        else f'<p class="welcome">This is the beginning of your direct message history '
        f"with {escape(APP_NAME)}.</p>"
    )
    return (
        f'<div role="log" aria-label="{PLACES[place]}" id="log-{place}" class="log"'
        f"{'' if shown else ' hidden'}>{welcome}{entries}</div>"
    )
