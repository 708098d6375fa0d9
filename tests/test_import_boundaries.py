"""The dependency rules of issue 12, checked on the source (docs/architecture.md):

* publishers enters moderation only through ``moderation.interface`` (moderation is the
  app above; nothing runs back up except through that one door);
* no domain app imports another domain app's models: apps talk through services and
  selectors. Imports under ``if TYPE_CHECKING:`` are type names only and are allowed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Domain apps by package, most specific first (the comments sub-app is its own app).
DOMAIN_APPS = ("moderation.comments", "procedures", "publishers", "moderation", "consent")
PUBLISHERS_MAY_IMPORT = frozenset({"moderation.interface"})


def _app_of(module: str) -> str | None:
    for app in DOMAIN_APPS:
        if module == app or module.startswith(f"{app}."):
            return app
    return None


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, imported module) for every runtime import; ``from a import b`` yields
    ``a.b`` too, since b may be a module."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only = _type_checking_lines(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom) or node.lineno in type_only:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def _source_files() -> Iterator[Path]:
    for app in {a.split(".")[0] for a in DOMAIN_APPS}:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_it_lets_publishers_into_moderation_only_through_the_interface() -> None:
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in (ROOT / "publishers").rglob("*.py")
        for line, name in _imports(path)
        if _app_of(name) == "moderation"
        and name not in PUBLISHERS_MAY_IMPORT
        # ``from moderation import interface`` also yields the bare package name
        and name != "moderation"
    ]
    assert wrong == []


def test_it_keeps_each_apps_models_to_itself() -> None:
    wrong = []
    for path in _source_files():
        own = _app_of(_module_name(path))
        for line, name in _imports(path):
            other = _app_of(name)
            if other not in (None, own) and name.startswith(f"{other}.models"):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert sorted(set(wrong)) == []


#: Lowest first: an app may import apps below it, never above (docs/architecture.md).
LAYERS = ("backend", "consent", "publishers", "moderation", "procedures")
#: The one door up: publishers tells and asks moderation about a post through its interface.
DOORS_UP = {("publishers", "moderation.interface")}


def _layer_of(module: str) -> int | None:
    top = module.split(".")[0]
    return LAYERS.index(top) if top in LAYERS else None


def test_it_keeps_dependencies_running_one_way() -> None:
    wrong = []
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            module = _module_name(path)
            if "migrations" in path.parts or module.startswith(
                ("backend.settings", "backend.urls", "backend.celery")
            ):
                continue  # wiring: settings, urls and the Celery app name every app
            here = _layer_of(module)
            for line, name in _imports(path):
                there = _layer_of(name)
                if here is None or there is None or there <= here or name == name.split(".")[0]:
                    continue
                if not any(
                    module.startswith(f"{app}.") and (name == door or name.startswith(f"{door}."))
                    for app, door in DOORS_UP
                ):
                    wrong.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert sorted(set(wrong)) == []
