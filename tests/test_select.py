"""`--select`/`--ignore` choose what is reported and which optional rewrites run; they never break
the result (issue 23 item 10: the README's own `--select UPS003,UPS2` once ended in "does not pass
the Upsun schema ... please report a bug")."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from migrator.cli.inputs import load_metadata
from migrator.migration.pipeline import Metadata, migrate
from migrator.model import Settings
from migrator.rules import OPTIONAL, RULES
from migrator.rules.codes import CODES
from tests.conftest import FIXTURE_NAMES, FIXTURES, REGISTRY, REPO, SCHEMAS, run

#: Every code the migration itself can report (rules, the registry checks, the tool's own).
MIGRATION_CODES = sorted(code for code, known in CODES.items() if known.source != "codemod")
PROJECTS = [FIXTURES / name for name in FIXTURE_NAMES] + [REPO / "examples" / "workers"]


@cache
def metadata() -> Metadata:
    return load_metadata(SCHEMAS / "upsun.json", REGISTRY)


def reported(result: object) -> set[str]:
    return {c.code for c in result.changes} | {f.code for f in result.findings}  # type: ignore[attr-defined]


@pytest.mark.parametrize("root", PROJECTS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_any_single_code_selected_or_ignored_still_migrates_to_a_valid_config(root: Path) -> None:
    """The schema check runs inside `migrate`: a result it refuses would raise here."""
    whole = migrate(root, Settings(), metadata())
    required_only = migrate(root, Settings(ignore=tuple(OPTIONAL)), metadata())
    for code in MIGRATION_CODES:
        selected = migrate(root, Settings(select=(code,)), metadata())
        assert reported(selected) <= {code}, code
        assert reported(selected) == reported(whole) & {code}, code
        ignored = migrate(root, Settings(ignore=(code,)), metadata())
        assert code not in reported(ignored), code
        assert reported(ignored) == reported(whole) - {code}, code
        if code not in OPTIONAL:  # a required rule's edits are made either way
            assert ignored.config_text == whole.config_text, code
            assert selected.config_text == required_only.config_text, code


def test_an_optional_rule_left_out_makes_no_edit() -> None:
    root = FIXTURES / "relationship-forms"
    kept = migrate(root, Settings(ignore=("UPS004",)), metadata()).config_text
    assert "'db:postgresql'" in (root / ".platform.app.yaml").read_text(encoding="utf-8")
    assert "'db:postgresql'" in kept
    assert "'db:postgresql'" not in migrate(root, Settings(), metadata()).config_text


def test_the_optional_rules_are_rules() -> None:
    assert OPTIONAL.issubset({rule.CODE for rule in RULES})


def test_the_readme_example_migrates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # as the README runs it: paths shown from the checkout
    result = run("migrate", "--dry-run", "--select", "UPS003,UPS2", "examples/workers",
                 "--schema", SCHEMAS / "upsun.json", "--registry", REGISTRY)
    assert result.exit_code == 0, result.stderr
    assert "\nChanges\n  UPS003  examples/workers/.platform.app.yaml:29  " \
           "applications.app.web.mounts.uploads." \
           "source: source: local -> source: storage\n" in result.stdout
    assert "UPS001" not in result.stdout and "UPS090" not in result.stdout


def test_the_rules_page_lists_the_rules_in_the_order_they_run() -> None:
    page = (REPO / "docs" / "rules" / "README.md").read_text(encoding="utf-8")
    listed = [line[3:9] for line in page.splitlines() if line.startswith("- [UPS")]
    assert listed == [rule.CODE for rule in RULES]
