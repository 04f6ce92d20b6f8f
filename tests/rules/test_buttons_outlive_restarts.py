"""No button lives only in memory: the bot shows plain views of persistent items (state in the
custom_id, answered by a class registered at start) and link buttons, never a View subclass,
a decorated callback or a view that times out. The restart drills in
tests/processes/test_restart_buttons.py show the behaviour; this keeps a new in-memory view out."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(ROOT / "bot").rglob("*.py"), *(ROOT / "cogs").rglob("*.py")])


def dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Subscript):
        return dotted(node.value)
    return ""


def in_memory_views(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            bases = [dotted(base) for base in node.bases]
            if any(
                base in ("discord.ui.View", "ui.View", "discord.ui.LayoutView") for base in bases
            ):
                found.append(f"class {node.name} subclasses a View")
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                name = dotted(decorator.func if isinstance(decorator, ast.Call) else decorator)
                if name.startswith("discord.ui.") and name.split(".")[-1] in ("button", "select"):
                    found.append(f"{node.name} is a decorated callback")
        if isinstance(node, ast.Call) and dotted(node.func) == "discord.ui.View":
            timeout = next((k.value for k in node.keywords if k.arg == "timeout"), None)
            if not (isinstance(timeout, ast.Constant) and timeout.value is None):
                found.append(f"line {node.lineno}: a view that times out")
    return found


def test_every_view_is_made_of_items_that_outlive_a_restart():
    assert SOURCES
    problems = {
        str(path.relative_to(ROOT)): found
        for path in SOURCES
        if (found := in_memory_views(ast.parse(path.read_text(), str(path))))
    }
    assert problems == {}


def test_the_check_finds_what_it_looks_for():
    """The shapes the bot used before every button carried its state."""
    old = """
class QuickCheckView(OwnedView, discord.ui.View):
    @discord.ui.button(label="Next")
    async def next(self, interaction, button): ...

def show():
    return discord.ui.View(timeout=600)
"""
    assert len(in_memory_views(ast.parse(old))) == 3
