"""The sign catalogue: every emergency and urgent sign is asked, listed and in every safety net.

Adding a sign to data/signs.toml fails these tests (and the bot's start-up check) until the
quick-check asks it and each card, list and net below shows its phrase.
"""

import re
from pathlib import Path

import pytest

from bot.content.files import ContentError
from bot.content.library import load_library
from bot.content.messages import Messages
from bot.core.settings import DEFAULT_DATA_DIR
from bot.health.progress import load_progress_content
from bot.health.quickcheck_data import load_quickcheck
from bot.health.signs import load_signs

SIGNS = load_signs(DEFAULT_DATA_DIR / "signs.toml")
CHECK = load_quickcheck(DEFAULT_DATA_DIR / "quickcheck.toml")
LIBRARY = load_library(DEFAULT_DATA_DIR)
MESSAGES = Messages.load(DEFAULT_DATA_DIR)
EMERGENCY = [s for s in SIGNS.values() if s.level == "emergency"]
CAUDA_EQUINA = [s for s in EMERGENCY if s.cauda_equina]


def plain(text: str) -> str:
    """As a member reads it: no bold, bullets or line breaks, one space between words."""
    return re.sub(r"\s+", " ", re.sub(r"[*_•]", " ", text)).lower()


def readme_disclaimer() -> str:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    return readme.split("> **Health disclaimer.**")[1].split("\n\n")[0].replace("> ", " ")


NETS = {
    "quick-check safety net": MESSAGES("quickcheck.ui.safety_net"),
    "topic footer": MESSAGES("topics.ui.footer"),
    "help footer": MESSAGES("help.footer"),
    "about disclaimer": MESSAGES("about.disclaimer"),
    "massage DM footer": MESSAGES("reminders.dm_massage_footer"),
    "appointment DM": MESSAGES("reminders.dm_appointment_urgent"),
    "stretch rules": "\n".join(LIBRARY.routine.general_rules),
    "flare care": load_progress_content(DEFAULT_DATA_DIR / "progress.toml").flare.safety,
    "README disclaimer": readme_disclaimer(),
}


def test_the_catalogue_holds_every_sign_the_reviews_named():
    assert len(EMERGENCY) >= 14 and len(CAUDA_EQUINA) >= 12
    assert {"poo-feeling", "bladder-fullness", "sex-feeling", "chest-pain"} <= set(SIGNS)
    assert {"cancer-now", "cancer-past", "unsteady", "injecting"} <= set(SIGNS)
    for sign in SIGNS.values():
        assert sign.sources and all(s.url.startswith("https://") for s in sign.sources)


@pytest.mark.parametrize("sign", SIGNS.values(), ids=lambda s: s.id)
def test_every_sign_is_asked_by_a_question_of_its_level(sign):
    askers = [q for q in CHECK.questions if sign.id in q.signs]
    assert askers, sign.id
    assert all(q.level.name.lower() == sign.level for q in askers), sign.id


@pytest.mark.parametrize("sign", CAUDA_EQUINA, ids=lambda s: s.id)
def test_every_cauda_equina_sign_is_on_the_card(sign):
    assert sign.card in plain(LIBRARY.topic("cauda-equina").body), sign.id


@pytest.mark.parametrize("sign", SIGNS.values(), ids=lambda s: s.id)
def test_every_sign_is_in_when_to_get_help_at_its_level(sign):
    body = plain(LIBRARY.topic("when-to-get-help").body)
    emergency, same_day = body.split("same day — call a doctor")
    assert sign.help in (emergency if sign.level == "emergency" else same_day), sign.id


@pytest.mark.parametrize("net", list(NETS))
@pytest.mark.parametrize("sign", EMERGENCY, ids=lambda s: s.id)
def test_every_emergency_sign_is_in_every_safety_net(sign, net):
    assert sign.net in plain(NETS[net]), (sign.id, net)


def test_a_new_sign_fails_the_start_up_check_until_a_question_asks_it(tmp_path):
    for name in ("sources.toml", "quickcheck.toml"):
        (tmp_path / name).write_text((DEFAULT_DATA_DIR / name).read_text())
    catalogue = (DEFAULT_DATA_DIR / "signs.toml").read_text()
    extra = '\n[[sign]]\nid = "new-sign"\nlevel = "urgent"\nwording = "A new sign"\n'
    extra += 'sources = ["gcare"]\nhelp = "a new sign"\n'
    (tmp_path / "signs.toml").write_text(catalogue + extra)
    with pytest.raises(ContentError, match=r"no question asks the sign.*new-sign"):
        load_quickcheck(tmp_path / "quickcheck.toml")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('sources = ["rfh-ces", "crh-ces"]', 'sources = ["nowhere"]', "page ids"),
        ('level = "urgent"', 'level = "soon"', "emergency or urgent"),
        ('net = "chest pain"\n', "", "'net'"),
        ('card = "hard to start"\n', "", "'card'"),
        ('id = "fever"', 'id = "weak-leg"', "listed twice"),
    ],
)
def test_the_catalogue_loader_names_what_is_wrong(tmp_path, old, new, message):
    (tmp_path / "sources.toml").write_text((DEFAULT_DATA_DIR / "sources.toml").read_text())
    catalogue = (DEFAULT_DATA_DIR / "signs.toml").read_text()
    assert old in catalogue
    (tmp_path / "signs.toml").write_text(catalogue.replace(old, new, 1))
    with pytest.raises(ContentError, match=message):
        load_signs(tmp_path / "signs.toml")
