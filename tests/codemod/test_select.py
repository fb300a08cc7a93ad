"""`codemod --select/--ignore`: a code left out is neither rewritten nor reported, and the rest
of the file is rewritten as without the option."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run, write_files

SETTINGS = ("import os\nfrom platformshconfig import Config\n\nconfig = Config()\n"
            "name = config.applicationName\ntoken = os.environ[\"PLATFORMSH_CLI_TOKEN\"]\n")


@pytest.fixture(autouse=True)
def _in_the_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests run in `app`, the repository (paths shown relative to it)."""
    (tmp_path / "app").mkdir()
    monkeypatch.chdir(tmp_path / "app")


def _app(root: Path) -> Path:
    return write_files(root, {"settings.py": SETTINGS, "requirements.txt": "platformshconfig\n"})


def test_select_rewrites_and_reports_only_those_codes(tmp_path: Path) -> None:
    app = _app(tmp_path / "app")
    done = run("codemod", "--diff", "--select", "UPS161", app)
    assert (done.exit_code, done.stdout) == (1, (
        "--- a/settings.py\n+++ b/settings.py\n@@ -3,4 +3,4 @@\n \n config = Config()\n"
        " name = config.applicationName\n-token = os.environ[\"PLATFORMSH_CLI_TOKEN\"]\n"
        "+token = os.environ[\"UPSUN_CLI_TOKEN\"]\n"))
    assert done.stderr == "1 finding(s), 1 would be rewritten, in 1 file(s)\n"
    assert (app / "settings.py").read_text() == SETTINGS


def test_ignore_keeps_the_import_and_rewrites_the_rest(tmp_path: Path) -> None:
    app = _app(tmp_path / "app")
    done = run("codemod", "--write", "--ignore", "UPS141", app)
    assert (done.exit_code, done.stdout) == (0, (
        "settings.py:5:8: UPS101 info [rewritten] config.applicationName -> "
        "os.environ[\"PLATFORM_APPLICATION_NAME\"]\n"
        "settings.py:6:20: UPS161 info [rewritten] PLATFORMSH_CLI_TOKEN -> UPSUN_CLI_TOKEN\n"
        "2 finding(s), 2 rewritten, in 1 file(s)\n"))
    assert (app / "settings.py").read_text() == (
        "import os\nfrom platformshconfig import Config\n\n"
        "name = os.environ[\"PLATFORM_APPLICATION_NAME\"]\ntoken = os.environ[\"UPSUN_CLI_TOKEN\"]\n")


def test_without_selection_every_code_runs(tmp_path: Path) -> None:
    done = run("codemod", _app(tmp_path / "app"))
    assert [line.split(" ")[1] for line in done.stdout.splitlines()[:-1]] == [
        "UPS141", "UPS141", "UPS101", "UPS161"]  # requirements.txt, then settings.py


def test_a_code_the_codemod_never_prints_is_a_usage_error(tmp_path: Path) -> None:
    app = _app(tmp_path / "app")
    done = run("codemod", "--write", "--select", "UPS003", app)
    assert (done.exit_code, done.stdout, done.stderr) == (
        2, "", "Usage: upsun-migrator codemod [OPTIONS] [PATH]...\n"
        "Try 'upsun-migrator codemod --help' for help.\n\n"
        "Error: Invalid value for '--select': no codemod code starts with UPS003\n")
    assert (app / "settings.py").read_text() == SETTINGS


def test_migrate_with_code_applies_the_selection_to_the_code_findings(tmp_path: Path) -> None:
    repo = write_files(_app(tmp_path / "repo"), {
        ".platform.app.yaml": "name: app\ntype: 'python:3.12'\n"})
    report = tmp_path / "report.json"

    def codes(*args: str) -> list[str]:
        assert run("migrate", "--dry-run", "--code", "--json", report, *args, repo).exit_code == 0
        return [finding["code"] for finding in json.loads(report.read_text())["code"]]

    assert codes() == ["UPS141", "UPS141", "UPS101", "UPS161"]
    assert codes("--ignore", "UPS14,UPS16") == ["UPS101"]
