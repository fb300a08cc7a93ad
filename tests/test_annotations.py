"""`--output-format github|json` on migrate, validate and codemod: exact annotation lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from migrator.report import github
from tests.conftest import METADATA_ARGS, run, transcript, write_files

RETIRED = {
    ".platform.app.yaml": "name: app\ntype: 'php:7.4'\nrelationships:\n    database: 'db:mysql'\n",
    ".platform/services.yaml": "db:\n    type: 'mariadb:10.4'\n    disk: 1024\n",
}

CODE = ("import os\nfrom platformshconfig import Config\n\nconfig = Config()\n"
        "name = config.applicationName\nDEBUG = not config.on_production()\n")


def test_escaping_follows_the_workflow_command_rules() -> None:
    assert github.escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert github.escape_property("dir,x/a:b%\n") == "dir%2Cx/a%3Ab%25%0A"
    assert github.command("warning", "two\nlines", file="a,b:c.yaml", line=3, column=2,
                               title="UPS003") == \
        "::warning file=a%2Cb%3Ac.yaml,line=3,col=2,title=UPS003::two%0Alines"
    assert github.command("notice", "m", file="x.yaml") == "::notice file=x.yaml::m"
    assert github.command("error", "bare") == "::error::bare"


def test_migrate_annotates_retired_versions(tmp_path: Path, snapshot: SnapshotAssertion) -> None:
    write_files(tmp_path / "shop", RETIRED)
    result = run("migrate", "--dry-run", "--output-format", "github", "shop", *METADATA_ARGS)
    assert result.exit_code == 0
    assert result.stdout == snapshot  # the annotations; the diff and the report go to stderr
    assert result.stderr.startswith("--- /dev/null\n+++ b/.upsun/config.yaml\n")
    assert "Would migrate: 1 application(s)" in result.stderr
    assert not (tmp_path / "shop/.upsun").exists()


def test_migrate_annotations_at_the_repository_root(tmp_path: Path) -> None:
    write_files(tmp_path, RETIRED)
    result = run("migrate", "--dry-run", "--remove-legacy", "--output-format", "github", ".",
                 *METADATA_ARGS)
    assert result.stdout.splitlines()[0].startswith(
        "::warning file=.platform.app.yaml,line=2,title=UPS201::php:7.4 is retired")
    assert len(result.stdout.splitlines()) == 2  # no UPS090: the legacy files go


def test_migrate_code_findings_are_annotated_with_their_column(tmp_path: Path) -> None:
    write_files(tmp_path / "r", {".platform.app.yaml": "name: app\ntype: 'php:8.4'\n",
                                "app/settings.py": CODE})
    result = run("migrate", "--dry-run", "--remove-legacy", "--code", "--output-format", "github",
                 "r")
    assert result.stdout.splitlines()[0] == (
        "::notice file=r/app/settings.py,line=5,col=8,title=UPS101::config.applicationName -> "
        "os.environ[\"PLATFORM_APPLICATION_NAME\"]")
    assert len(result.stdout.splitlines()) == 2


def test_migrate_error_is_an_annotation_too(tmp_path: Path, snapshot: SnapshotAssertion) -> None:
    write_files(tmp_path / "r", {".platform.app.yaml": "name: app\ntype: [php\n"})
    result = run("migrate", "--output-format", "github", "r")
    assert transcript(result) == snapshot
    assert not (tmp_path / "r/.upsun").exists()


def test_migrate_json_output_is_the_report(tmp_path: Path) -> None:
    write_files(tmp_path / "r", RETIRED)
    result = run("migrate", "--dry-run", "--output-format", "json", "r", *METADATA_ARGS)
    document = json.loads(result.stdout)
    assert document["version"] == 1 and document["written"] is False
    assert [(f["code"], f["severity"], f["file"], f["line"]) for f in document["findings"]] == [
        ("UPS090", "warning", ".platform.app.yaml", 0),
        ("UPS201", "warning", ".platform.app.yaml", 2),
        ("UPS201", "warning", ".platform/services.yaml", 2)]
    assert "Would migrate: 1 application(s)" in result.stderr


SCHEMA_BAD = ("applications:\n  app:\n    type: 'php:8.4'\n    disk: 2048\n"
              "    mounts:\n      web: 'shared:files/web'\n")


def test_validate_github_and_json(tmp_path: Path, snapshot: SnapshotAssertion) -> None:
    write_files(tmp_path / "site", {".upsun/config.yaml": SCHEMA_BAD})
    result = run("validate", "site", "--output-format", "github", *METADATA_ARGS)
    assert transcript(result) == snapshot
    result = run("validate", "site", "--output-format", "json", *METADATA_ARGS)
    document = json.loads(result.stdout)
    assert (result.exit_code, document["version"], document["paths"]) == (1, 2, ["site"])
    assert (document["valid"], document["errors"][1]) == (False, {
        "file": "site/.upsun/config.yaml", "line": 6, "path": "applications.app.mounts.web",
        "message": "'shared:files/web' is not of type 'object'"})


def test_validate_unreadable_yaml_is_annotated(tmp_path: Path) -> None:
    write_files(tmp_path / "site", {".upsun/config.yaml": "applications:\n\tapp: {}\n"})
    result = run("validate", "site", "--output-format", "github", *METADATA_ARGS)
    assert result.exit_code == 1
    assert result.stdout.startswith("::error file=site/.upsun/config.yaml,line=2,")
    assert result.stdout.count("\n") == 1


def test_validate_valid_folder_prints_nothing_for_github(tmp_path: Path) -> None:
    write_files(tmp_path / "site", {".upsun/config.yaml": "applications:\n  app:\n"
                                   "    type: 'php:8.4'\n"})
    result = run("validate", "site", "--output-format", "github", *METADATA_ARGS)
    assert (result.exit_code, result.stdout) == (0, "")
    document = json.loads(run("validate", "site", "--output-format", "json",
                              *METADATA_ARGS).stdout)
    assert (document["valid"], document["errors"]) == (True, [])


def test_codemod_github_and_json(tmp_path: Path, snapshot: SnapshotAssertion) -> None:
    write_files(tmp_path / "app", {"sub/settings.py": CODE})
    result = run("codemod", "app", "--output-format", "github")
    assert transcript(result) == snapshot
    result = run("codemod", "app", "--diff", "--output-format", "json")
    document = json.loads(result.stdout)
    assert (document["version"], document["paths"], document["files"],
            [(f["file"], f["code"]) for f in document["findings"]]) == (
        2, ["app"], ["app/sub/settings.py"],
        [("app/sub/settings.py", "UPS101"), ("app/sub/settings.py", "UPS111")])
    assert result.stderr.startswith("--- a/app/sub/settings.py\n+++ b/app/sub/settings.py\n")
    assert (tmp_path / "app/sub/settings.py").read_text() == CODE


def test_text_stays_the_default(tmp_path: Path) -> None:
    write_files(tmp_path / "app", {"settings.py": CODE})
    result = run("codemod", "app")
    assert result.stdout.splitlines()[0] == (
        "app/settings.py:5:8: UPS101 info [would rewrite] config.applicationName -> "
        "os.environ[\"PLATFORM_APPLICATION_NAME\"]")
    assert "::" not in result.stdout


@pytest.mark.parametrize("args", [
    ("migrate", "--dry-run"), ("migrate", "--check"), ("validate",)])
def test_json_output_names_the_error_when_the_input_cannot_be_read(tmp_path: Path,
                                                                   args: tuple[str, ...]) -> None:
    folder = ".upsun" if args == ("validate",) else ".platform"
    write_files(tmp_path / "shop", {".platform.app.yaml": "name: app\ntype: 'php:8.4'\n",
                                   f"{folder}/routes.yaml": "a: [\n"})
    result = run(*args, "--output-format", "json", "shop")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["version"] == 1 and document["path"] == "shop"
    assert document["error"]["file"] == f"shop/{folder}/routes.yaml"
    assert document["error"]["line"] == 2
    assert result.stderr.startswith(f"error: shop/{folder}/routes.yaml:2:")


def test_with_json_output_other_reports_asked_on_stdout_go_to_stderr(tmp_path: Path) -> None:
    write_files(tmp_path / "shop", RETIRED)
    result = run("migrate", "--dry-run", "--report", "-", "--output-format", "json", "shop",
                 *METADATA_ARGS)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["summary"]["warnings"] == 3
    assert "# Upsun migration report" in result.stderr
