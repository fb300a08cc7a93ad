"""Issue 26 item 9: no content of a repository ends in an internal error (exit 3).

Names, keys and values holding control characters, line breaks or separators are carried (the
comments the tool writes show them as escapes); an integer beyond Python's int/str conversion
limit is refused with one line naming file, line and column (every report, comparison and
check would fail on it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrator.yamltext.nodes import Mapping
from migrator.yamltext.parse import parse
from tests.conftest import METADATA_ARGS, run, write_files

#: Characters that broke the YAML comments the tool wrote, or that YAML does not allow raw.
CONTROL = "\x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x1f\x7f\x80\x85\x9b\x9f\u2028\u2029\u202e\ufffe"
hostile = st.text(alphabet=st.sampled_from(list(CONTROL) + list("ab-_:# '\"`$(){}[]|*&!%@\\")),
                  min_size=1, max_size=6)


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(text)


def migrate(root: Path, *args: str) -> tuple[int, str, str]:
    done = run("migrate", root, *METADATA_ARGS, *args)
    return done.exit_code, done.stdout, done.stderr


def config(root: Path) -> Mapping:
    document = parse((root / ".upsun" / "config.yaml").read_text(encoding="utf-8"),
                     ".upsun/config.yaml")
    assert isinstance(document.root, Mapping)
    return document.root


@pytest.mark.parametrize(("app", "services"), [
    # a service name with a line break: its resources comment broke into two lines
    ("name: app\ntype: php:8.4\ndisk: 1024\n", f"{q('db' + chr(10) + 'x')}:\n  type: mariadb:11.8\n  disk: 2048\n"),
    # a legacy size with a line break, quoted in the resources comment
    (f"name: app\ntype: php:8.4\nsize: {q('M' + chr(10) + 'foo')}\n", "db:\n  type: mariadb:11.8\n"),
    # an app name with an escape sequence
    (f"name: {q(chr(27) + ']0;pwn' + chr(7))}\ntype: php:8.4\ndisk: 1024\n", "db:\n  type: mariadb:11.8\n"),
    # a worker name with a carriage return
    (f"name: app\ntype: php:8.4\nworkers:\n  {q('w' + chr(13) + 'x')}:\n    size: S\n    commands: {{start: x}}\n", ""),
    # unknown keys with a carriage return and a line separator: named in their removal comment
    (f"name: app\ntype: php:8.4\n{q('x' + chr(13) + 'y')}: 1\n{q('z' + chr(0x2028) + 'w')}: 2\n", ""),
    # a size with NEL, which YAML 1.1 parsers take for a line break
    ("name: app\ntype: php:8.4\n", f"db:\n  type: mariadb:11.8\n  size: {q('S' + chr(0x85) + 'x')}\n"),
])
def test_control_characters_in_names_and_values_are_carried(project: Path, app: str,
                                                             services: str) -> None:
    write_files(project, {".platform.app.yaml": app, ".platform/services.yaml": services})
    code, _, err = migrate(project)
    assert code == 0, err
    text = (project / ".upsun" / "config.yaml").read_text(encoding="utf-8")
    written = [line for line in text.split("\n") if line.lstrip().startswith("# ")]
    assert written, text
    for line in written:
        assert not any(char in CONTROL for char in line), line


def test_a_folder_name_with_an_escape_is_the_source_root(project: Path) -> None:
    folder = "sub\x1bx\u2028y"
    write_files(project, {f"{folder}/.platform.app.yaml": "name: app\ntype: php:8.4\n"})
    code, _, err = migrate(project)
    assert code == 0, err
    root = config(project).get("applications").get("app").get("source").get("root")  # type: ignore[union-attr]
    assert root.value == folder  # type: ignore[union-attr]


DIGITS = "1" * 4400


@pytest.mark.parametrize(("text", "where"), [
    (f"name: app\ntype: php:8.4\ndisk: {DIGITS}\n", ".platform.app.yaml:3:7"),
    (f"name: app\ntype: php:8.4\nvariables:\n  env:\n    X: {DIGITS}\n", ".platform.app.yaml:5:8"),
    (f"name: app\ntype: php:8.4\nvariables:\n  env:\n    X: !!int {DIGITS}\n",
     ".platform.app.yaml:5:8"),
    (f"name: app\ntype: php:8.4\nvariables:\n  env:\n    X: 0x{'f' * 3700}\n",
     ".platform.app.yaml:5:8"),
    (f"name: app\ntype: php:8.4\nvariables:\n  env:\n    X: -{'1_' * 4400}1\n",
     ".platform.app.yaml:5:8"),
])
def test_an_integer_beyond_the_conversion_limit_is_refused(project: Path, text: str,
                                                           where: str) -> None:
    write_files(project, {".platform.app.yaml": text})
    code, out, err = migrate(project, "--dry-run")
    assert code == 1 and out == ""
    assert err.startswith(f"error: {where}: an integer of ") and err.count("\n") == 1, err
    assert "digits to and from text" in err
    assert not (project / ".upsun").exists()


@pytest.mark.parametrize("text", [f'"{DIGITS}"', f"'{DIGITS}'", "1" * 4300, f"x{DIGITS}",
                                  f"0x{'f' * 3500}", f"1.{DIGITS}"])
def test_long_numbers_within_reach_and_long_text_are_carried(project: Path, text: str) -> None:
    write_files(project, {".platform.app.yaml":
                          f"name: app\ntype: php:8.4\nvariables:\n  env:\n    X: {text}\n"})
    code, _, err = migrate(project)
    assert code == 0, err
    assert f"X: {text}\n" in (project / ".upsun" / "config.yaml").read_text(encoding="utf-8")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(app=hostile, worker=hostile, service=hostile, key=hostile, value=hostile)
def test_hostile_names_keys_and_values_never_end_in_an_internal_error(
        tmp_path_factory: pytest.TempPathFactory, app: str, worker: str, service: str,
        key: str, value: str) -> None:
    root = tmp_path_factory.mktemp("repo")
    write_files(root, {
        ".platform.app.yaml": (f"name: {q(app)}\ntype: php:8.4\nsize: {q(value)}\n"
                               f"disk: 512\n{q(key)}: {q(value)}\nworkers:\n  {q(worker)}:\n"
                               "    size: S\n    commands: {start: run}\n"),
        ".platform/services.yaml": f"{q(service)}:\n  type: mariadb:11.8\n  disk: 2048\n"})
    code, out, err = migrate(root, "--force")
    assert code in (0, 1), err
    if code == 1:
        assert err.startswith("error: ") and err.count("\n") == 1, err
        return
    assert set(config(root).get("applications").keys()) == {app}  # type: ignore[union-attr]
