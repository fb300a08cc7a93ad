"""Inline before/after checks for rules: write a tiny legacy repository, migrate it, compare."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from migrator.migration.pipeline import migrate
from migrator.model import Change, Finding, MigrationResult, Settings


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


#: The application every table case extends: a table's legacy text is more keys of it.
APP = "name: app\ntype: 'php:8.4'\n"
#: What the migration writes for APP itself (the nesting is the legacy file's four spaces).
APP_OUTPUT = "applications:\n    app:\n        type: 'php:8.4'\n"


def app_keys(root: Path, legacy: str) -> tuple[str, MigrationResult]:
    """Migrate a `.platform.app.yaml` of APP and the legacy keys (top-level text, nested by four
    spaces, from which the output takes its indentation); give back the keys as the output holds
    them, taken out of their nesting, with the run.

    The pipeline reads a repository from disk (there is no in-memory reader to hand it), so
    the file is written under root."""
    result = migrated(root, {".platform.app.yaml": APP + legacy})
    assert result.config_text.startswith(APP_OUTPUT), result.config_text
    lines = result.config_text[len(APP_OUTPUT):].splitlines(keepends=True)
    assert all(line.startswith(" " * 8) or not line.strip() for line in lines), lines
    return "".join(line[8:] if line.strip() else line.lstrip(" ") for line in lines), result
