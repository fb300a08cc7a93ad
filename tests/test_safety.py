"""Bad input: one line naming file and line, exit 1, and not a byte changed on disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import run, tree

APP = "name: app\ntype: 'php:8.3'\n"
VCL_INCLUDE = "v:\n  type: 'varnish:7.6'\n  configuration:\n    vcl: !include {{type: string, path: {}}}\n"


def _nest(depth: int) -> str:
    return "name: app\nx: " + "[" * depth + "]" * depth + "\n"


BAD_INPUTS: dict[str, tuple[dict[str, bytes | str], str]] = {
    "unclosed quote": (
        {".platform.app.yaml": "name: app\ntype: 'php:8.3\nweb: {}\n"},
        ".platform.app.yaml:4:1: found unexpected end of stream (while scanning a quoted "
        "scalar started at line 2)"),
    "bad indentation": (
        {".platform.app.yaml": "name: app\n  type: php\n"},
        ".platform.app.yaml:2:7: mapping values are not allowed in this context"),
    "services.yaml broken": (
        {".platform.app.yaml": APP, ".platform/services.yaml": "db:\n  type: [mariadb\n"},
        ".platform/services.yaml:3:1: did not find expected ',' or ']' (while parsing a flow "
        "sequence started at line 2)"),
    "duplicate keys": (
        {".platform.app.yaml": "name: app\ntype: 'php:8.3'\nname: other\n"},
        ".platform.app.yaml:3:1: duplicate key 'name'"),
    "duplicate key with a multi-line value": (
        {".platform.app.yaml": "name: app\ntype: 'php:8.3'\nname: |\n    two\n    lines\n"},
        ".platform.app.yaml:3:1: duplicate key 'name'"),
    "tabs": (
        {".platform.app.yaml": "name: app\nweb:\n\tlocations: {}\n"},
        ".platform.app.yaml:3:1: tab character where YAML expects spaces"),
    "top level is a list": (
        {".platform.app.yaml": "- name: app\n"},
        ".platform.app.yaml:1: expected a mapping at the top level, found a list"),
    "top level is a scalar": (
        {".platform.app.yaml": "just text\n"},
        ".platform.app.yaml:1: expected a mapping at the top level, found a scalar"),
    "empty file": (
        {".platform.app.yaml": ""},
        ".platform.app.yaml: file is empty (no YAML document)"),
    "only comments": (
        {".platform.app.yaml": "# nothing\n# here\n"},
        ".platform.app.yaml: file is empty (no YAML document)"),
    "binary file": (
        {".platform.app.yaml": b"name: app\x00\x01\x02"},
        ".platform.app.yaml: binary file (contains NUL bytes)"),
    "invalid UTF-8": (
        {".platform.app.yaml": b"name: app\ntype: '\xff\xfe'\n"},
        ".platform.app.yaml:2: not valid UTF-8"),
    "unknown tag": (
        {".platform.app.yaml": "name: app\ntype: !php '8.3'\n"},
        ".platform.app.yaml:2:7: unknown tag !php (only !include and !archive are supported)"),
    "deeply nested": (
        {".platform.app.yaml": _nest(300)},
        ".platform.app.yaml:2:204: YAML nested too deeply"),
    "an anchor defined twice": (
        {".platform.app.yaml": "name: app\na: &x {size: S}\nb: &x {size: M}\nc: *x\n"},
        ".platform.app.yaml:3:4: anchor &x is defined twice"),
    "a mapping that merges itself": (
        {".platform.app.yaml": "name: app\nbase: &base\n  size: M\n  again:\n    <<: *base\n"},
        ".platform.app.yaml:5:9: alias *base stands inside the collection it names (a "
        "recursive structure)"),
    "a mapping that holds an alias to itself": (
        {".platform.app.yaml": "name: app\ntype: 'php:8.3'\nvariables: &v\n  env:\n    x: *v\n"},
        ".platform.app.yaml:5:8: alias *v stands inside the collection it names (a recursive "
        "structure)"),
    "an application that holds an alias to itself": (
        {".platform/applications.yaml": "-   &a\n    name: one\n    type: 'php:8.3'\n    x: *a\n"},
        ".platform/applications.yaml:4:8: alias *a stands inside the collection it names (a "
        "recursive structure)"),
    "a Unicode line separator": (
        {".platform.app.yaml": "name: app\ntype: 'php:8.3'\nhooks:\n  build: # a: \u2028|- #b\n"},
        ".platform.app.yaml:4:15: Unicode line separator U+2028: YAML versions and parsers "
        "disagree on it; use a plain line break, or the escape in a double-quoted string"),
    "a lone carriage return": (
        {".platform.app.yaml": "name: app\ntype: 'php:8.3'\ne: #\r>-\n\nc: 1\n"},
        ".platform.app.yaml:3: carriage return that does not end a line (use \\n or \\r\\n line "
        "ends)"),
    "a key that is a mapping": (
        {".platform.app.yaml": "name: app\ntype: 'php:8.3'\nvariables:\n  ? {a: 1}\n  : x\n"},
        ".platform.app.yaml:4:5: a key that is a mapping, a list or an alias is not supported "
        "(keys of a configuration are names)"),
    "app without name": (
        {".platform.app.yaml": "type: 'php:8.3'\n"},
        ".platform.app.yaml:1: application has no `name`"),
    "applications.yaml entry without name": (
        {".platform/applications.yaml": "- type: 'php:8.3'\n"},
        ".platform/applications.yaml:1: application has no `name`"),
    "two apps with one name": (
        {".platform.app.yaml": APP, "sub/.platform.app.yaml": APP},
        "sub/.platform.app.yaml: two applications are named 'app': .platform.app.yaml and "
        "sub/.platform.app.yaml"),
    "an app and a service with one name": (
        {".platform.app.yaml": APP, ".platform/services.yaml": "app:\n  type: 'redis:8.0'\n"},
        ".platform/services.yaml:1: an application (.platform.app.yaml) and a service are both "
        "named 'app'"),
    "include of a missing file": (
        {".platform.app.yaml": APP, ".platform/services.yaml": VCL_INCLUDE.format("nope.vcl")},
        ".platform/services.yaml:4: !include names .platform/nope.vcl, which does not exist"),
    "include of ../../etc/passwd": (
        {".platform.app.yaml": APP,
         ".platform/services.yaml": VCL_INCLUDE.format("../../etc/passwd")},
        ".platform/services.yaml:4: .platform/../../etc/passwd leads outside the repository"),
    "include of an absolute path": (
        {".platform.app.yaml": APP, ".platform/services.yaml": VCL_INCLUDE.format("/etc/passwd")},
        ".platform/services.yaml:4: !include of absolute path '/etc/passwd' is not allowed"),
    "applications.yaml include leaving the repository": (
        {".platform/applications.yaml": "- !include ../../outside.app.yaml\n"},
        ".platform/applications.yaml:1: .platform/../../outside.app.yaml leads outside the "
        "repository"),
    "unreadable legacy string mount": (
        {".platform.app.yaml": APP + "mounts:\n  '/x': 'other:thing'\n"},
        ".platform.app.yaml:4: mount '/x': cannot read legacy mount 'other:thing' (expected "
        "'shared:files/<path>')"),
    ".upsun is a file": (
        {".platform.app.yaml": APP, ".upsun": "not a folder"},
        ".upsun: exists and is not a folder"),
}


def _make(root: Path, files: dict[str, bytes | str]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())


def assert_refused(root: Path, message: str, *args: str) -> None:
    before = tree(root)
    result = run("migrate", root, *args)
    assert (result.exit_code, result.stderr, result.stdout) == (1, f"error: {message}\n", "")
    assert tree(root) == before


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_refused(project: Path, case: str) -> None:
    files, message = BAD_INPUTS[case]
    _make(project, files)
    assert_refused(project, message)


def test_no_legacy_configuration(project: Path) -> None:
    _make(project, {"README.md": "hello\n"})
    assert_refused(project, f"{project}: no legacy Platform.sh application found (looked for "
                   ".platform.app.yaml and .platform/applications.yaml)")


def test_file_over_5_mb_is_refused_before_parsing(project: Path) -> None:
    _make(project, {".platform.app.yaml": APP + "# " + "x" * (50 * 1024 * 1024) + "\n"})
    assert_refused(project, ".platform.app.yaml: file is larger than 5 MB")


def test_alias_bomb_is_bounded(project: Path) -> None:
    lines = ["name: app", "type: 'php:8.3'", "variables:", "  env:", "    a0: &a0 [x, x, x, x]"]
    lines += [f"    a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 12)]
    _make(project, {".platform.app.yaml": "\n".join(lines) + "\n"})
    result = run("migrate", project)
    assert result.exit_code == 0
    config = (project / ".upsun/config.yaml").read_text()
    assert "        a11: &a11 [*a10, *a10, *a10, *a10, *a10, *a10, *a10, *a10, *a10]\n" in config


def test_symlinked_app_file_leaving_the_repository_is_refused(tmp_path: Path,
                                                                project: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(APP)
    (project / ".platform.app.yaml").symlink_to(outside)
    assert_refused(project, ".platform.app.yaml leads outside the repository")


def test_include_through_a_symlink_leaving_the_repository_is_refused(tmp_path: Path,
                                                                     project: Path) -> None:
    (tmp_path / "secret.vcl").write_text("secret\n")
    _make(project, {".platform.app.yaml": APP,
                    ".platform/services.yaml": VCL_INCLUDE.format("link.vcl")})
    (project / ".platform/link.vcl").symlink_to(tmp_path / "secret.vcl")
    assert_refused(project, ".platform/services.yaml:4: .platform/link.vcl leads outside the "
                   "repository")


def test_fifo_app_file_is_skipped(project: Path) -> None:
    _make(project, {".platform.app.yaml": APP})
    (project / "sub").mkdir()
    os.mkfifo(project / "sub" / ".platform.app.yaml")
    result = run("migrate", project)
    assert result.exit_code == 0, result.stderr
    assert "applications:\n  app:\n" in (project / ".upsun/config.yaml").read_text()


def test_existing_config_is_never_touched_without_force(project: Path) -> None:
    _make(project, {".platform.app.yaml": APP, ".upsun/config.yaml": "mine: true\n"})
    assert_refused(project, ".upsun/config.yaml: already exists; pass --force to replace it")


def test_write_failure_leaves_nothing_behind(project: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _make(project, {".platform.app.yaml": APP})
    real_replace = os.replace

    def full_disk(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(os, "replace", full_disk)
    result = run("migrate", project)
    monkeypatch.setattr(os, "replace", real_replace)
    assert result.exit_code == 1
    assert result.stderr == "error: .upsun/config.yaml: cannot write: No space left on device\n"
    assert sorted(p.name for p in (project / ".upsun").iterdir()) == []


def test_bom_is_accepted(project: Path) -> None:
    _make(project, {".platform.app.yaml": b"\xef\xbb\xbf" + APP.encode()})
    assert run("migrate", project).exit_code == 0
    assert (project / ".upsun/config.yaml").read_text() == (
        "applications:\n  app:\n    type: 'php:8.3'\n")


def test_crlf_is_accepted_and_kept(project: Path) -> None:
    _make(project, {".platform.app.yaml": APP.replace("\n", "\r\n")})
    assert run("migrate", project).exit_code == 0
    assert (project / ".upsun/config.yaml").read_bytes() == (
        b"applications:\r\n  app:\r\n    type: 'php:8.3'\r\n")
