"""One snapshot per fixture project (config and report), plus the properties every one must have:
valid against the Upsun schema, a second `migrate --force` changes nothing, `--dry-run` writes nothing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from syrupy.assertion import SnapshotAssertion

from tests.conftest import DATA, FIXTURE_NAMES, FIXTURES, METADATA_ARGS, REPO, run, tree
from tests.upsun_schema import load_config, schema_errors


@pytest.fixture
def fixture_copy(request: pytest.FixtureRequest, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture project, and the current folder (paths shown relative to it)."""
    root = tmp_path / request.param
    shutil.copytree(FIXTURES / request.param, root, symlinks=True)
    monkeypatch.chdir(root)
    return root


def test_there_are_enough_fixtures() -> None:
    assert len(FIXTURE_NAMES) >= 12
    for name in FIXTURE_NAMES:
        readme = (FIXTURES / name / "README.md").read_text(encoding="utf-8").strip()
        assert readme and "\n" not in readme, name


REPORT_SCHEMA = json.loads((REPO / "docs" / "report.schema.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("fixture_copy", FIXTURE_NAMES, indirect=True)
def test_project_snapshot(fixture_copy: Path, tmp_path: Path, snapshot: SnapshotAssertion) -> None:
    """The config and the three renderings of the report, read together in one file."""
    markdown, json_report = tmp_path / "report.md", tmp_path / "report.json"
    result = run("migrate", fixture_copy, "--report", markdown, "--json", json_report,
                 *METADATA_ARGS)
    assert result.exit_code == 0, result.stderr
    config = (fixture_copy / ".upsun/config.yaml").read_text(encoding="utf-8")
    report = json.loads(json_report.read_text(encoding="utf-8"))
    jsonschema.validate(report, REPORT_SCHEMA)
    text = (f"# .upsun/config.yaml\n{config}\n# terminal report\n{result.stdout}\n"
            f"# Markdown report\n{markdown.read_text(encoding='utf-8')}\n"
            f"# JSON report\n{json_report.read_text(encoding='utf-8')}")
    assert text.replace(str(DATA), "<data>") == snapshot


@pytest.mark.parametrize("fixture_copy", FIXTURE_NAMES, indirect=True)
def test_project_output_is_valid(fixture_copy: Path) -> None:
    assert run("migrate", fixture_copy, *METADATA_ARGS).exit_code == 0
    text = (fixture_copy / ".upsun/config.yaml").read_text(encoding="utf-8")
    data = load_config(text, (fixture_copy / ".upsun", fixture_copy))
    assert schema_errors(data) == []


@pytest.mark.parametrize("fixture_copy", FIXTURE_NAMES, indirect=True)
def test_project_second_run_changes_nothing(fixture_copy: Path) -> None:
    assert run("migrate", fixture_copy).exit_code == 0
    first = tree(fixture_copy)
    again = run("migrate", "--force", fixture_copy)
    assert again.exit_code == 0, again.stderr
    assert tree(fixture_copy) == first


@pytest.mark.parametrize("fixture_copy", FIXTURE_NAMES, indirect=True)
def test_project_dry_run_writes_nothing(fixture_copy: Path) -> None:
    before = tree(fixture_copy)
    result = run("migrate", "--dry-run", fixture_copy)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("--- /dev/null\n+++ b/.upsun/config.yaml\n")
    assert tree(fixture_copy) == before
