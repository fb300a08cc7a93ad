"""The layout docs/architecture.md describes: every import goes down the layers (a package imports
only packages below it), no two modules import each other, and every module is named there."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

#: From the ground up, as docs/architecture.md's table; "" is the modules of `migrator/` itself.
LAYERS = ["", "yamltext", "legacy", "upsun", "rules", "codemod", "report", "migration", "fleet",
          "cli"]
PACKAGE = REPO / "migrator"


def _module(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _layer(module: str) -> str:
    if module == "migrator.__main__":  # `python -m migrator`: the command line
        return "cli"
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS) else ""


def _imports(path: Path) -> set[str]:
    """The migrator modules a module imports (`from migrator.x import y`: `migrator.x.y` when
    that is a module, else `migrator.x`), wherever the import stands, typing-only ones too."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                found.add(name if name in MODULES else node.module)
    return {name for name in found if name in MODULES}


GRAPH = {module: _imports(path) - {module} for module, path in MODULES.items()}


def test_every_import_goes_down_the_layers() -> None:
    upward = sorted(f"{module} -> {target}" for module, targets in GRAPH.items()
                    for target in targets
                    if LAYERS.index(_layer(target)) > LAYERS.index(_layer(module)))
    assert upward == []


def test_no_modules_import_each_other() -> None:
    """No cycle of any length: a depth-first walk meets no module still on its path."""
    state: dict[str, str] = {}
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(GRAPH[module]):
            if state.get(target) == "open":
                cycles.append(" -> ".join([*path[path.index(target):], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_every_module_is_in_the_architecture_page() -> None:
    page = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [module for module, path in MODULES.items()
               if path.parent.name != "codemod" and f"`{path.name}`" not in page]
    assert missing == []
