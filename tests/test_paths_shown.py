"""Issue 25 item 6: one way to show a path in every output (`migrator.where`), the repository
found upward from a sub-folder, messages that name a path once."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrator import where
from migrator.errors import InputError
from tests.conftest import METADATA_ARGS, run, tree, write_files

BROKEN = {".platform.app.yaml": "name: app\ntype: [php\n"}
APP = {".platform.app.yaml": "name: app\ntype: 'php:8.4'\n"}
WHERE = "broken1/.platform.app.yaml:3:1"


@pytest.mark.parametrize(("given", "expected"), [
    ("broken1", "broken1"), ("./broken1/", "broken1"), ("a//b/../c", "a/c"), ("", "."),
    (".", "."), ("../x", "../x"), ("{cwd}/broken1", "broken1"), ("{cwd}", "."),
    ("{cwd}/../elsewhere", "{parent}/elsewhere"), ("/etc/hosts", "/etc/hosts"),
])
def test_shown_is_relative_to_the_current_folder_as_ruff_shows_it(
        tmp_path: Path, given: str, expected: str) -> None:
    cwd, parent = os.getcwd(), os.path.dirname(os.getcwd())
    assert where.shown(given.format(cwd=cwd)) == expected.format(parent=parent)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.sampled_from(["a", "b", ".", "..", "c d", "é"]), min_size=1,
                      max_size=6), absolute=st.booleans())
def test_shown_names_the_same_place(tmp_path: Path, parts: list[str], absolute: bool) -> None:
    """Whatever the form given, the path shown names the same place, from the current folder,
    and is relative unless it was given absolute outside it."""
    given = os.path.join(os.getcwd() if absolute else "", *parts)
    shown = where.shown(given)
    assert os.path.abspath(shown) == os.path.abspath(given)
    inside = os.path.abspath(given).startswith(os.getcwd())
    assert os.path.isabs(shown) == (absolute and not inside)


def test_every_output_names_the_file_the_same_way(tmp_path: Path) -> None:
    """The text error, --check's error, the GitHub annotation and the JSON document."""
    write_files(tmp_path / "broken1", BROKEN)
    message = "did not find expected ',' or ']' (while parsing a flow sequence started at line 2)"
    for args in (("migrate",), ("migrate", "--check"), ("migrate", "--dry-run")):
        result = run(*args, "broken1")
        assert (result.exit_code, result.stderr) == (1, f"error: {WHERE}: {message}\n")
        github = run(*args, "--output-format", "github", "broken1")
        assert github.stdout == (f"::error file=broken1/.platform.app.yaml,line=3,col=1,"
                                 f"title=upsun-migrator::{message}\n")
        document = json.loads(run(*args, "--output-format", "json", "broken1").stdout)
        assert (document["path"], document["error"]["file"]) == ("broken1",
                                                                  "broken1/.platform.app.yaml")


@pytest.mark.parametrize("given", ["broken1", "./broken1", "broken1/", "{cwd}/broken1"])
def test_the_path_is_shown_alike_however_it_is_given(tmp_path: Path, given: str) -> None:
    write_files(tmp_path / "broken1", BROKEN)
    result = run("migrate", given.format(cwd=tmp_path))
    assert result.stderr.startswith(f"error: {WHERE}: ")


def test_the_report_on_the_terminal_shows_paths_from_the_current_folder(tmp_path: Path) -> None:
    write_files(tmp_path / "shop", {".platform.app.yaml": "name: app\ntype: 'php:7.4'\n"})
    result = run("migrate", "--dry-run", "shop", *METADATA_ARGS)
    assert result.exit_code == 0
    assert "  create shop/.upsun/config.yaml\n" in result.stdout
    assert "  warning  UPS201  shop/.platform.app.yaml:2  php:7.4 is retired" in result.stdout
    # the diff stays relative to the repository, as git's (a/ and b/ prefixes)
    assert result.stdout.startswith("--- /dev/null\n+++ b/.upsun/config.yaml\n")


def test_a_message_names_the_repository_once(tmp_path: Path) -> None:
    """bulk's line names the repository: the message after it does not name it again."""
    (tmp_path / "work" / "x" / ".platform").mkdir(parents=True)
    (tmp_path / "work" / "x" / ".platform" / "routes.yaml").write_text("{}\n")
    result = run("bulk", "work", "--dry-run", "--jobs", "1")
    assert result.stdout == ("failed   work/x: no legacy Platform.sh application found "
                             "(looked for .platform.app.yaml and .platform/applications.yaml)\n")


def test_a_file_that_cannot_be_read_is_named_once(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    write_files(tmp_path / "shop", {**APP, ".platform/services.yaml": "db:\n  type: 'mariadb:11.8'\n"})

    def denied(path: Path, rel: str) -> bytes:
        if path.name == "services.yaml":
            raise PermissionError(13, "Permission denied")
        return path.read_bytes()

    monkeypatch.setattr("migrator.legacy.reader._read_regular", denied)
    result = run("migrate", "shop")
    assert (result.exit_code, result.stderr) == (
        1, "error: shop/.platform/services.yaml: cannot read: Permission denied\n")


def test_a_file_that_may_not_be_read_is_named_once(tmp_path: Path) -> None:
    """The same, for real: the file's mode denies reading it (root's override dropped)."""
    import subprocess
    import sys

    from tests.test_safety import _as_a_user

    services = write_files(tmp_path / "shop", {**APP, ".platform/services.yaml": "db:\n  type: "
                                              "'mariadb:11.8'\n"}) / ".platform/services.yaml"
    services.chmod(0o000)
    try:
        done = subprocess.run([*_as_a_user(), sys.executable, "-m", "migrator", "migrate", "shop"],
                              capture_output=True, text=True, check=False,
                              env=dict(os.environ, UPSUN_MIGRATOR_OFFLINE="1"))
    finally:
        services.chmod(0o644)
    assert (done.returncode, done.stderr) == (
        1, "error: shop/.platform/services.yaml: cannot read: Permission denied\n")


def test_an_error_is_relocated_once() -> None:
    error = InputError("bad", ".platform.app.yaml", 3)
    assert where.relocate(where.relocate(error, "shop"), "shop").file == "shop/.platform.app.yaml"
    itself = where.relocate(InputError("is not a folder", "shop"), "shop")
    assert str(itself) == "shop: is not a folder"
    assert where.inside(InputError("is not a folder", "work/x"), "work/x") == "is not a folder"
    assert where.inside(InputError("bad", ".platform.app.yaml", 3), "work/x") == \
        ".platform.app.yaml:3: bad"


# -- the repository, found upward --------------------------------------------------------

LAYOUTS = {
    # name: (files, where the command runs, the repository found, what its top holds)
    "legacy folder above": ({".platform/routes.yaml": "", "app/.platform.app.yaml": ""},
                            "app/src", ".", ".platform"),
    "git holding the app": ({".git/HEAD": "", ".platform.app.yaml": ""}, "docs", ".", ".git"),
    "git holding an app and one below": (
        {".git/HEAD": "", ".platform.app.yaml": "", "api/.platform.app.yaml": ""}, "api/x", ".",
        ".git"),
    "git with nothing Platform.sh": ({".git/HEAD": "", "app/x.py": ""}, "app", "app", None),
    "git holding test projects": (  # the git top holds no legacy file: the nearest app wins
        {".git/HEAD": "", "tests/p/.platform.app.yaml": ""}, "tests/p/src", "tests/p",
        ".platform.app.yaml"),
    "project inside a larger git repository": (
        {".git/HEAD": "", "site/.platform/services.yaml": "", "site/app/.platform.app.yaml": ""},
        "site/app", "site", ".platform"),
    "submodule inside a project": (
        {".platform.app.yaml": "", "lib/.git": "gitdir: ../.git/modules/lib\n"}, "lib/src",
        "lib/src", None),
    "app file alone": ({".platform.app.yaml": "", "web/x": ""}, "web", ".", ".platform.app.yaml"),
    "the folder itself": ({".upsun/config.yaml": "", "a/.platform.app.yaml": ""}, ".", ".", None),
    "an app of a project, given": ({".platform/routes.yaml": "", "app/.platform.app.yaml": ""},
                                   "app", ".", ".platform"),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_repository_is_found_upward(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        layout: str) -> None:
    files, start, found, marker = LAYOUTS[layout]
    write_files(tmp_path / "p", files)
    (tmp_path / "p" / start).mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(tmp_path / "p" / start)
    root = where.find_root(Path("."))
    expected = os.path.relpath(tmp_path / "p" / found, tmp_path / "p" / start)
    assert (str(root.path), root.marker) == (expected, marker)
    absolute = where.find_root(tmp_path / "p" / start)
    assert absolute.path == (tmp_path / "p" / found if marker else tmp_path / "p" / start)


def test_check_and_migrate_from_a_sub_folder(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    repo = write_files(tmp_path / "repo", {
        ".git/HEAD": "", ".platform/routes.yaml": "'https://{default}/':\n  type: upstream\n"
                                                  "  upstream: 'app:http'\n",
        "app/.platform.app.yaml": "name: app\ntype: 'php:8.4'\n", "app/src/x.php": ""})
    monkeypatch.chdir(repo / "app" / "src")
    note = "note: ../.. is the repository (it holds .platform); . is inside it\n"
    checked = run("migrate", "--check")
    assert (checked.exit_code, checked.stdout) == (1, "would create ../../.upsun/config.yaml\n")
    assert checked.stderr == note + ("../..: 1 file(s) would change; run `upsun-migrator "
                                     "migrate ../..` to migrate\n")
    done = run("migrate")
    assert done.exit_code == 0 and done.stderr == note
    assert "  create ../../.upsun/config.yaml\n" in done.stdout
    assert "    source:\n      root: app\n" in (repo / ".upsun" / "config.yaml").read_text()
    assert not (repo / "app" / "src" / ".upsun").exists()


def test_an_output_file_is_named_as_given(tmp_path: Path) -> None:
    """A report file is the user's path, relative to the current folder: never joined to the
    repository's."""
    write_files(tmp_path / "shop", APP)
    result = run("migrate", "shop", "--report", "missing/r.md")
    assert (result.exit_code, result.stderr) == (
        1, "error: missing/r.md: cannot write: No such file or directory\n")


# -- --check: options it does not use are refused; a hand edit points at --diff -------------

@pytest.mark.parametrize("option", [("--report", "r.md"), ("--json", "r.json"),
                                    ("--resources-script", "r.sh"), ("--code",)])
@pytest.mark.parametrize("mode", ["--check", "--diff"])
def test_check_refuses_what_it_would_not_do(tmp_path: Path, option: tuple[str, ...],
                                            mode: str) -> None:
    write_files(tmp_path / "shop", APP)
    before = tree(tmp_path)
    result = run("migrate", mode, *option, "shop")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"Error: {option[0]} cannot go with --check or --diff, which write nothing: run "
        f"`upsun-migrator migrate --dry-run {' '.join(option[:1] + ('FILE',) * (len(option) - 1))}"
        "` for the report of what migrating would do\n")
    assert tree(tmp_path) == before


def test_check_after_a_hand_edit_points_at_the_diff(tmp_path: Path) -> None:
    write_files(tmp_path / "shop", APP)
    assert run("migrate", "shop", *METADATA_ARGS).exit_code == 0
    config = tmp_path / "shop" / ".upsun" / "config.yaml"
    config.write_text(config.read_text() + "        disk: 1024\n")
    result = run("migrate", "--check", "shop", *METADATA_ARGS)
    assert (result.exit_code, result.stdout) == (1, "would update shop/.upsun/config.yaml\n")
    assert result.stderr == (
        "shop: 1 file(s) would change; .upsun/config.yaml differs from what migrating writes: "
        "`upsun-migrator migrate --check --diff shop` shows how (replacing it would lose what "
        "differs)\n")
    assert "--force" not in result.output
