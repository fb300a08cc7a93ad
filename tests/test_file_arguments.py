"""Issue 25 item 6: `validate PATH...` and `codemod PATH...` take files as well as folders."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import METADATA_ARGS, run, tree, write_files

CONFIG = "applications:\n  app:\n    type: 'php:7.4'\n"
BAD = "applications:\n  app:\n    type: 'php:8.4'\n    disk: 2048\n"
SERVICES = "services:\n  db:\n    type: 'mariadb:11.4'\n"
RETIRED = ("warning  UPS201  {repo}/.upsun/config.yaml:3  php:7.4 is retired on Upsun: available "
           "but no longer maintained: no security updates, and it may be decommissioned; "
           "supported versions, nearest first: 8.4, 8.5\n")
CODE = ("from platformshconfig import Config\n\nconfig = Config()\n"
        "name = config.applicationName\n")


def test_validate_a_file_checks_its_upsun_folder_whole(tmp_path: Path) -> None:
    write_files(tmp_path / "site", {".upsun/config.yaml": CONFIG, ".upsun/services.yaml": SERVICES})
    folder = run("validate", "site", *METADATA_ARGS)
    for args in (("site/.upsun/config.yaml",),
                 ("site/.upsun/services.yaml", "site/.upsun/config.yaml", "site")):
        result = run("validate", *args, *METADATA_ARGS)
        assert (result.exit_code, result.stdout, result.stderr) == (
            0, RETIRED.format(repo="site"), folder.stderr)
    assert folder.stderr.endswith("\nsite/.upsun: valid, 1 warning(s)\n")


def test_validate_several_repositories(tmp_path: Path) -> None:
    write_files(tmp_path / "a", {".upsun/config.yaml": CONFIG})
    write_files(tmp_path / "b", {".upsun/config.yaml": BAD})
    result = run("validate", "a", "b/.upsun/config.yaml", *METADATA_ARGS)
    assert result.exit_code == 1
    assert result.stdout == (
        "b/.upsun/config.yaml:2: applications.app: Additional properties are not allowed "
        "('disk' was unexpected)\n" + RETIRED.format(repo="a"))
    assert result.stderr.splitlines()[1:] == ["a/.upsun: valid, 1 warning(s)",
                                              "b/.upsun: 1 error(s)"]
    document = json.loads(run("validate", "a", "b", "--output-format", "json",
                              *METADATA_ARGS).stdout)
    assert (document["paths"], document["valid"], [e["file"] for e in document["errors"]],
            [f["file"] for f in document["findings"]]) == (
        ["a", "b"], False, ["b/.upsun/config.yaml"], ["a/.upsun/config.yaml"])


@pytest.mark.parametrize("name", ["config.yaml", ".upsun/sub/x.yaml", ".upsun/config.yml"])
def test_validate_refuses_a_file_outside_an_upsun_folder(tmp_path: Path, name: str) -> None:
    write_files(tmp_path / "site", {".upsun/config.yaml": CONFIG, name: CONFIG})
    result = run("validate", f"site/{name}", *METADATA_ARGS)
    assert result.exit_code == 2
    assert (f"site/{name} is not a .yaml file directly in a .upsun folder (validate checks a "
            "repository's .upsun/*.yaml)") in result.stderr


def test_validate_status_line_is_short(tmp_path: Path) -> None:
    write_files(tmp_path / "site", {".upsun/config.yaml": BAD})
    result = run("validate", "site", *METADATA_ARGS)
    schema = METADATA_ARGS[1]
    assert result.stderr.splitlines() == [
        f"checked: Upsun schema from file {schema}; image registry from file "
        f"{METADATA_ARGS[3]}",
        "site/.upsun: 1 error(s)"]
    offline = run("validate", "site")
    assert offline.stderr.splitlines()[0].startswith(
        "checked: Upsun schema and image registry from the embedded snapshot of ")


def test_codemod_takes_files(tmp_path: Path) -> None:
    write_files(tmp_path / "repo", {".git/HEAD": "", "app/a.py": CODE, "app/b.py": CODE,
                                   "app/c.py": CODE, "vendor/lib/d.py": CODE})
    whole = run("codemod", "repo")
    assert [line.split(":")[0] for line in whole.stdout.splitlines()[:-1]] == [
        "repo/app/a.py", "repo/app/a.py", "repo/app/b.py", "repo/app/b.py", "repo/app/c.py",
        "repo/app/c.py"]  # vendor/ is never walked into
    result = run("codemod", "repo/app/b.py", "repo/vendor/lib/d.py", "repo/app/b.py")
    assert result.exit_code == 1
    assert [line.split(":")[0] for line in result.stdout.splitlines()[:-1]] == [
        "repo/app/b.py", "repo/app/b.py", "repo/vendor/lib/d.py", "repo/vendor/lib/d.py"]
    assert result.stdout.splitlines()[-1] == "4 finding(s), 4 would be rewritten, in 2 file(s)"
    diff = run("codemod", "--diff", "repo/app/c.py")
    assert diff.stdout.startswith("--- a/repo/app/c.py\n+++ b/repo/app/c.py\n")
    before = tree(tmp_path)
    written = run("codemod", "--write", "repo/app/a.py")
    assert written.exit_code == 0
    changed = {k for k, v in tree(tmp_path).items() if before.get(k) != v}
    assert changed == {"repo/app/a.py"}


def test_codemod_takes_a_folder_inside_a_repository(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    write_files(tmp_path / "repo", {".git/HEAD": "", "app/a.py": CODE, "other/b.py": CODE})
    monkeypatch.chdir(tmp_path / "repo" / "app")
    result = run("codemod")
    assert [line.split(":")[0] for line in result.stdout.splitlines()[:-1]] == ["a.py", "a.py"]


def test_codemod_refuses_what_is_not_python(tmp_path: Path) -> None:
    write_files(tmp_path, {"notes.txt": "x\n"})
    result = run("codemod", "notes.txt")
    assert result.exit_code == 2
    assert "notes.txt is neither a folder nor a Python file (.py)" in result.stderr


def test_codemod_never_reads_a_file_given_through_a_link_that_leaves_the_repository(
        tmp_path: Path) -> None:
    write_files(tmp_path, {"outside/secret.py": CODE, "repo/.git/HEAD": ""})
    os.symlink(tmp_path / "outside", tmp_path / "repo" / "link")
    result = run("codemod", "repo/link/secret.py")
    assert result.stdout.splitlines() == [
        "repo/link/secret.py:1:1: UPS199 warning [reported] a symbolic link to a file outside "
        "the repository: not read", "1 finding(s), 0 would be rewritten, in 0 file(s)"]
