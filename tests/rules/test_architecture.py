"""The house's direction, read from the code's own imports (every import statement, also under
TYPE_CHECKING): playground -> cogs -> ui -> core -> health -> scheduling -> pictures ->
{content, storage} -> tasks. Nothing below core imports Discord, no cog imports another cog,
the bot never imports a cog, the local Discord stands apart, storage is used through its
package's face, and no test module imports another test module (what tests share is in
tests/support)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LAYERS = {
    "bot.ui": 7,
    "bot.core": 6,
    "bot.health": 5,
    "bot.scheduling": 4,
    "bot.pictures": 3,
    "bot.content": 2,
    "bot.storage": 2,
    "bot.tasks": 1,
}
"""A package imports only packages of a lower rank (and itself); equal ranks are strangers."""
TOP = 8
"""The entry point (`python -m bot`), the cogs and the playground stand above every layer."""
CORE = LAYERS["bot.core"]
APART = {"bot.localdiscord"}
"""Packages of the product that stand beside the layers: they import nothing of the bot, and
only what stands on top (the playground) may import them."""
PLAYGROUND = "bot.playground"
"""The browser playground: the real bot against the local Discord. It may import anything of
the bot but a cog; only the entry point imports it (a bot run never loads it otherwise)."""
DISCORD = {"discord", "aiohttp"}
STORAGE = "bot.storage"
OPERATOR = "the operator's commands work on a database's files and URLs, beneath the stores"
STORAGE_MODULES = {
    ("bot.__main__", "bot.storage.backup"): OPERATOR,
    ("bot.__main__", "bot.storage.copying"): OPERATOR,
    ("bot.__main__", "bot.storage.postgres"): OPERATOR,
    ("bot.__main__", "bot.storage.postgres_check"): OPERATOR,
}
"""The only imports of one of storage's own modules from outside it, each with its reason;
everything else imports what bot.storage's __init__ exports."""


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, imported module) for every import in `source`, relative ones resolved."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
    return found


def layer(module: str) -> str | None:
    for package in (*LAYERS, *APART, PLAYGROUND):
        if module == package or module.startswith(package + "."):
            return package
    if module == "bot.__main__" or module == "cogs" or module.startswith("cogs."):
        return module
    return None


def rank(module: str) -> int:
    home = layer(module)
    if home in LAYERS:
        return LAYERS[home]
    return TOP


def violations(module: str, source: str, is_package: bool = False) -> list[str]:
    """Every import of `module` that runs against the direction, as a readable line."""
    found = []
    home = layer(module)
    if home is None:
        return [f"{module} is in no layer: put it in a package and name that package in LAYERS"]
    for line, name in imports(source, module, is_package):
        top = name.split(".")[0]
        where = f"{module}:{line} imports {name}"
        if top in DISCORD and rank(module) < CORE:
            found.append(f"{where}: nothing below core uses Discord")
        if top == "cogs" and not module.startswith("cogs."):
            found.append(f"{where}: the bot loads cogs by name, it never imports one")
        if top == "cogs" and module.startswith("cogs.") and name != "cogs":
            own, other = module.split(".")[1], name.split(".")[1]
            if own != other:
                found.append(f"{where}: a cog never imports another cog")
        if top != "bot" or name in ("bot", "bot.__version__"):
            continue
        target = layer(name)
        if target is None or target == home or name.startswith(f"{home}."):
            continue  # a name that is not a module, or the package's own
        if home in APART or (target in APART and home != PLAYGROUND):
            apart = home if home in APART else target
            found.append(f"{where}: {apart} stands apart from the layers")
        elif target == PLAYGROUND and home != "bot.__main__":
            found.append(f"{where}: only the entry point imports the playground")
        elif target == "bot.__main__":
            found.append(f"{where}: nothing imports the entry point")
        elif target in LAYERS and rank(module) <= LAYERS[target]:
            found.append(f"{where}: {home} may not import {target} (against the direction)")
        elif target == STORAGE and name != STORAGE and (module, name) not in STORAGE_MODULES:
            found.append(f"{where}: outside storage, import bot.storage, not its modules")
    return found


def product_modules() -> list[Path]:
    return sorted(p for folder in ("bot", "cogs") for p in (ROOT / folder).rglob("*.py"))


def test_every_import_follows_the_direction():
    found = []
    for path in product_modules():
        if path.parent == ROOT / "bot" and path.name == "__init__.py":
            continue  # the package itself: the version
        source = path.read_text()
        found += violations(module_name(path), source, path.name == "__init__.py")
    assert found == []


def test_the_check_names_an_import_against_the_direction():
    assert violations("bot.health.triage", "import discord\nfrom bot.core import errors\n") == [
        "bot.health.triage:1 imports discord: nothing below core uses Discord",
        "bot.health.triage:2 imports bot.core: bot.health may not import bot.core"
        " (against the direction)",
    ]
    assert violations("bot.scheduling.zones", "from bot.health.triage import Region\n") == [
        "bot.scheduling.zones:1 imports bot.health.triage: bot.scheduling may not import"
        " bot.health (against the direction)"
    ]
    assert violations("cogs.learn", "from cogs.reminders.base import ReminderBase\n") == [
        "cogs.learn:1 imports cogs.reminders.base: a cog never imports another cog"
    ]
    assert violations("bot.core.client", "from . import errors\nfrom ..ui import views\n") == [
        "bot.core.client:2 imports bot.ui: bot.core may not import bot.ui"
        " (against the direction)"
    ]
    assert violations("bot.scheduling.planning", "from bot.health.sessions import judge\n") == [
        "bot.scheduling.planning:1 imports bot.health.sessions: bot.scheduling may not import"
        " bot.health (against the direction)"
    ]
    assert violations("cogs.meta", "from bot.localdiscord import LocalDiscord\n") == [
        "cogs.meta:1 imports bot.localdiscord: bot.localdiscord stands apart from the layers"
    ]
    assert violations("bot.localdiscord.rest", "from bot.core.errors import UserFacingError\n") == [
        "bot.localdiscord.rest:1 imports bot.core.errors: bot.localdiscord stands apart from the"
        " layers"
    ]
    assert violations("bot.core.client", "from bot.playground.main import main\n") == [
        "bot.core.client:1 imports bot.playground.main: only the entry point imports the playground"
    ]
    assert violations("bot.playground.session", "from bot.localdiscord import LocalDiscord\n") == []
    assert violations("bot.scheduling.dispatcher", "from bot.storage.ledger import LEASE\n") == [
        "bot.scheduling.dispatcher:1 imports bot.storage.ledger: outside storage, import"
        " bot.storage, not its modules"
    ]
    assert violations("cogs.meta", "import bot.storage.reminders\n") == [
        "cogs.meta:1 imports bot.storage.reminders: outside storage, import bot.storage, not its"
        " modules"
    ]
    assert violations("bot.scheduling.dispatcher", "from bot.storage import LEASE\n") == []
    assert violations("bot.storage.ledger", "from bot.storage.events import Announcer\n") == []
    assert violations("bot.storage", "from .ledger import LEASE\n", is_package=True) == []
    assert violations("bot.__main__", "from bot.storage.backup import backup_sqlite\n") == []
    assert violations("bot.helpers", "") == [
        "bot.helpers is in no layer: put it in a package and name that package in LAYERS"
    ]


def test_every_storage_module_let_through_is_still_imported():
    made = set()
    for path in product_modules():
        module = module_name(path)
        made |= {(module, name) for _, name in imports(path.read_text(), module)}
    assert set(STORAGE_MODULES) - made == set()


def test_every_layer_exists_and_holds_a_docstring_that_says_what_it_may_import():
    for package in LAYERS:
        folder = ROOT / package.replace(".", "/")
        face = folder / "__init__.py" if folder.is_dir() else folder.with_suffix(".py")
        doc = ast.get_docstring(ast.parse(face.read_text()))
        assert doc and "import" in doc, f"{face} says what it holds and what it may import"


def test_no_test_module_imports_another_test_module():
    found = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for line, name in imports(path.read_text(), module_name(path)):
            leaf = name.split(".")[-1]
            if name.startswith("tests.") and (leaf.startswith("test_") or leaf == "conftest"):
                found.append(f"{module_name(path)}:{line} imports {name}")
    assert found == []
