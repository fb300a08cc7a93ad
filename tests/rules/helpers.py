"""Inline before/after checks for rules: write a tiny legacy repository, migrate it, compare."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from migrator.model import Change, Finding, MigrationResult, Settings
from migrator.pipeline import migrate


def migrated(
    root: Path, files: dict[str, str], settings: Settings | None = None
) -> MigrationResult:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return migrate(root, settings or Settings())


def check_transformed(
    root: Path, files: dict[str, str], expected: str, settings: Settings | None = None
) -> MigrationResult:
    result = migrated(root, files, settings)
    assert result.config_text == dedent(expected).lstrip("\n")
    return result


def codes(items: tuple[Change, ...] | tuple[Finding, ...], code: str) -> list[str]:
    """`file:line path: before -> after` (changes) or `file:line message` (findings) of one rule."""
    out = []
    for item in items:
        if item.code != code:
            continue
        if isinstance(item, Change):
            out.append(f"{item.location} {item.path}: {item.before} -> {item.after}")
        else:
            out.append(f"{item.severity.value} {item.location} {item.message}")
    return out
