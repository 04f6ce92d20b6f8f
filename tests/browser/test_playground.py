"""The playground in a real Chromium: what a person trying the bot sees and does, found the way
a screen reader finds it (roles and names), and pictured for the README."""

import re

from playwright.async_api import Page, expect

from bot.health.triage import Level
from tests.support.screens import screenshot


def command_box(page: Page):
    return page.get_by_role("combobox", name="Command")


async def run(page: Page, line: str) -> None:
    box = command_box(page)
    await box.fill(line)
    await box.press("Enter")
    await expect(box).to_have_value("")  # sent: Discord's client clears the box


def named(title: str) -> re.Pattern[str]:
    return re.compile(re.escape(title))


async def test_sciatica_overview_renders_its_embed_and_its_menu_jumps_to_another_topic(
    page, content
):
    box = command_box(page)
    await box.fill("/")
    listed = page.get_by_role("listbox", name="Suggestions")
    overview_entry = listed.get_by_role("option").filter(has_text="/sciatica overview")
    await expect(overview_entry).to_contain_text("What sciatica is")  # with its description
    await screenshot(page, "commands")

    await run(page, "/sciatica overview")
    general = page.get_by_role("log", name="#general")
    overview = content.library.topic("overview")
    answer = general.get_by_role("article").filter(
        has=page.get_by_role("heading", name=named(overview.title))
    )
    await expect(answer).to_contain_text("Only you can see this")
    await expect(answer).to_contain_text("Sam used /sciatica overview")
    await screenshot(page, "learn", top=answer)

    related = content.library.topic(overview.related[0])
    await answer.get_by_role("combobox").select_option(related.slug)
    await expect(general.get_by_role("heading", name=named(related.title))).to_be_visible()
    await expect(general.get_by_role("heading", name=named(overview.title))).to_have_count(0)
    await expect(general.get_by_role("article")).to_have_count(1)  # the answer changed in place


async def test_quickcheck_answered_yes_ends_in_the_emergency_result(page, content):
    await run(page, "/quickcheck")
    general = page.get_by_role("log", name="#general")
    question = general.get_by_role("article").last
    await question.get_by_role("button", name="Yes", exact=True).click()
    emergency = content.quickcheck.levels[Level.EMERGENCY].title
    await expect(general.get_by_role("heading", name=named(emergency))).to_be_visible()
    await expect(general.get_by_role("article").last).to_contain_text("Only you can see this")
    await screenshot(page, "quickcheck")


async def test_a_moderator_sets_the_server_region_from_the_bots_own_choices(page, content):
    box = command_box(page)
    await box.fill("/con")
    await expect(page.get_by_role("listbox", name="Suggestions")).to_be_hidden()  # a member's

    await page.get_by_label("Acting as").select_option("moderator")
    await page.wait_for_url(re.compile("as=moderator"))
    region = content.regions["uk"]
    await box.fill(f"/config region region:{region.name[:6].lower()}")
    choice = page.get_by_role("option").filter(has_text=region.name)
    await expect(choice).to_be_visible()
    await screenshot(page, "autocomplete")
    await choice.click()
    await expect(box).to_have_value(re.compile(r"^/config region region:\S"))
    await box.press("Enter")
    answer = page.get_by_role("log", name="#general").get_by_role("article").last
    await expect(answer).to_contain_text(re.compile(rf"region: .*\b{region.key}\b"))
    await expect(answer).to_contain_text("Alex used /config region")


async def test_a_stretch_reminder_arrives_on_fast_forward_and_done_works(page, content):
    await run(page, "/reminders stretch time:8:00 days:every day timezone:London")
    general = page.get_by_role("log", name="#general")
    await expect(general.get_by_role("article").last).to_contain_text("Only you can see this")

    await page.get_by_role("button", name=re.compile("^Fast-forward")).click()
    dm_link = page.get_by_role("link", name="Sciatica Companion")
    await expect(dm_link.locator(".badge")).to_be_visible()  # a DM arrived
    await dm_link.click()
    dms = page.get_by_role("log", name="Direct messages")
    reminder = dms.get_by_role("article").last
    alts = {content.pictures.picture(slug).alt for slug in content.library.stretches}
    picture = reminder.get_by_role("img").filter(has_not=page.locator("[alt='']"))
    await expect(picture.last).to_be_visible()
    assert await picture.last.get_attribute("alt") in alts
    await screenshot(page, "reminder")

    await reminder.get_by_role("button", name="Done").click()
    await expect(dms).to_contain_text("marked done")


async def test_a_refused_input_shows_the_bots_error_only_to_the_member(page, content):
    await run(page, "/reminders stretch time:25:99 days:weekdays timezone:London")
    answer = page.get_by_role("log", name="#general").get_by_role("article").last
    await expect(answer).to_contain_text("Only you can see this")
    await expect(answer).to_contain_text(content.messages("parse.time_range"))
    await expect(answer.get_by_role("button", name="Dismiss message")).to_be_visible()
    await expect(page.get_by_role("alert")).to_have_count(0)  # the bot refused, not the box


async def test_an_interaction_left_unanswered_says_so_as_discord_does_and_reset_clears_it(
    page, running
):
    running.playground.world.discord.interactions.deadline = 0  # the bot is always too late
    await run(page, "/about")
    general = page.get_by_role("log", name="#general")
    failed = general.get_by_role("article").last
    await expect(failed).to_contain_text("The application did not respond")
    await expect(failed).to_contain_text("Sam used /about")

    await page.get_by_role("button", name="Reset").click()  # a fresh world, a patient Discord
    await expect(general.get_by_role("article")).to_have_count(0)
    await run(page, "/about")
    await expect(general.get_by_role("article")).to_contain_text("Sam used /about")
    await expect(general).not_to_contain_text("did not respond")
