"""Every link in every data file goes to the canonical page of an allowed publisher.

The walk below is independent of the loader on purpose: it finds `url` keys wherever they sit
in any data/*.toml file, so a link added somewhere the loader does not validate is still caught.
The negative cases prove both this check and the loader refuse mirrors, copies and look-alikes.
"""

import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.content.files import ContentError
from bot.content.library import Publishers, load_library, load_publishers
from bot.core.settings import DEFAULT_DATA_DIR
from bot.health.quickcheck_data import load_quickcheck
from bot.health.regions import load_regions
from bot.health.signs import load_signs

DATA_FILES = sorted(DEFAULT_DATA_DIR.glob("*.toml"))
PUBLISHERS = tomllib.loads((DEFAULT_DATA_DIR / "sources.toml").read_text())["publisher"]
ALLOWED_HOSTS = {entry["host"] for entry in PUBLISHERS}


def urls_in(value, where):
    """Yield (where, url) for every `url` key at any depth of a parsed TOML value."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "url":
                yield f"{where}.url", item
            else:
                yield from urls_in(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from urls_in(item, f"{where}[{index}]")


def every_url():
    found = []
    for path in DATA_FILES:
        found.extend(urls_in(tomllib.loads(path.read_text()), path.name))
    return found


def url_violations(url):
    """The rule for a link shown to members, written out independently of the loader."""
    problems = []
    if not isinstance(url, str):
        return ["is not text"]
    if any(c.isspace() for c in url):
        problems.append("contains whitespace")
    if "..." in url or "\u2026" in url:
        problems.append("is truncated")
    if url and url[-1] in ".,;:!?'\")]}>":
        problems.append("ends in punctuation")
    parts = urlsplit(url)
    if parts.scheme != "https":
        problems.append("is not https")
    host = (parts.hostname or "").lower()
    labels = host.split(".")
    # a subdomain match must end on a whole label: nhs.uk allows www.nhs.uk, not evilnhs.uk
    if not any(labels[-len(a.split(".")) :] == a.split(".") for a in ALLOWED_HOSTS):
        problems.append(f"host {host!r} is not an allowed publisher")
    if "@" in parts.netloc:
        problems.append("carries a user name")
    return problems


URLS = every_url()


def test_the_walk_finds_the_links():
    files = {where.split(".toml")[0] + ".toml" for where, _ in URLS}
    assert {
        "topics.toml",
        "stretches.toml",
        "quickcheck.toml",
        "regions.toml",
        "signs.toml",
    } <= files
    assert len(URLS) >= 40


@pytest.mark.parametrize(("where", "url"), URLS, ids=[where for where, _ in URLS])
def test_every_link_goes_to_an_allowed_publisher(where, url):
    assert url_violations(url) == [], f"{where}: {url}"


def test_every_listed_publisher_is_used():
    used = set()
    for _, url in URLS:
        labels = urlsplit(url).hostname.split(".")
        used |= {a for a in ALLOWED_HOSTS if labels[-len(a.split(".")) :] == a.split(".")}
    assert sorted(ALLOWED_HOSTS - used) == []


BAD_URLS = [
    ("https://zjcylx.com/sciatica-exercises.html", "not an allowed publisher"),
    ("https://www.windsorhousegrouppractice.co.uk/conditions/sciatica/", "not an allowed"),
    ("https://nhsinform-22072020-0700.azurewebsites.net/illnesses-and-conditions/", "not an"),
    ("https://evilnhs.uk/conditions/sciatica/", "not an allowed publisher"),
    ("https://nhs.uk.example.com/conditions/sciatica/", "not an allowed publisher"),
    ("https://www.nhs.uk@mirror.example/conditions/sciatica/", "user name"),
    ("http://www.nhs.uk/conditions/sciatica/", "not https"),
    ("https://paperzz.com/doc/6970365/cat-camel---start-on-all-fours...", "truncated"),
    ("https://www.nhs.uk/conditions/sciatica/\u2026", "truncated"),
    ("https://www.nhs.uk/conditions/sciatica/.", "ends in punctuation"),
    ("https://www.nhs.uk/conditions/ sciatica/", "whitespace"),
]


@pytest.mark.parametrize(("url", "why"), BAD_URLS)
def test_the_rule_refuses_mirrors_copies_and_broken_links(url, why):
    assert any(why in problem for problem in url_violations(url))


@pytest.mark.parametrize(("url", "_why"), BAD_URLS)
def test_the_loader_refuses_the_same_links(url, _why):
    publishers = load_publishers(DEFAULT_DATA_DIR / "sources.toml")
    assert publishers.url_problem(url) is not None
    assert publishers.url_problem("https://www.nhs.uk/conditions/sciatica/") is None


def test_subdomains_match_on_whole_labels_only():
    publishers = Publishers(frozenset({"nhs.uk"}))
    assert publishers.allows("nhs.uk") and publishers.allows("royalfree.nhs.uk")
    assert not publishers.allows("evilnhs.uk")
    assert not publishers.allows("nhs.uk.example.com")


def copy_data(tmp_path: Path) -> Path:
    for path in DATA_FILES:
        (tmp_path / path.name).write_text(path.read_text())
    return tmp_path


@pytest.mark.parametrize(
    ("file", "good", "load"),
    [
        ("topics.toml", "https://www.nhs.uk/conditions/sciatica/", load_library),
        (
            "stretches.toml",
            "https://www.nhs.uk/video/Pages/sciatica-piriformis-syndrome.aspx",
            load_library,
        ),
        ("quickcheck.toml", "https://www.nhs.uk/conditions/back-pain/", None),
        ("regions.toml", "https://www2.hse.ie/emergencies/when-to-call-112-or-999/", None),
        ("signs.toml", "https://g-care.glos.nhs.uk/pathway/75/resource/3", None),
    ],
)
def test_a_mirror_in_any_file_stops_the_load_naming_file_item_and_url(tmp_path, file, good, load):
    data = copy_data(tmp_path)
    mirror = "https://zjcylx.com/sciatica-exercises.html"
    text = (data / file).read_text()
    assert good in text
    (data / file).write_text(text.replace(good, mirror, 1))
    loaders = {
        "quickcheck.toml": lambda d: load_quickcheck(d / "quickcheck.toml"),
        "regions.toml": lambda d: load_regions(d / "regions.toml"),
        "signs.toml": lambda d: load_signs(d / "signs.toml"),
    }
    with pytest.raises(ContentError) as raised:
        (load or loaders[file])(data)
    message = str(raised.value)
    assert message.startswith(f"{file}: ") and mirror in message and "sources.toml" in message


def test_a_missing_allow_list_stops_the_load(tmp_path):
    data = copy_data(tmp_path)
    (data / "sources.toml").unlink()
    with pytest.raises(ContentError, match=r"sources\.toml: file is missing"):
        load_library(data)
    with pytest.raises(ContentError, match=r"sources\.toml: file is missing"):
        load_regions(data / "regions.toml")


def test_a_malformed_allow_list_entry_is_named(tmp_path):
    data = copy_data(tmp_path)
    text = (data / "sources.toml").read_text()
    bad = text.replace('host = "bmj.com"', 'host = "https://bmj.com/"')
    (data / "sources.toml").write_text(bad)
    with pytest.raises(ContentError, match=r"sources\.toml: publisher #\d+: field 'host'"):
        load_publishers(data / "sources.toml")
