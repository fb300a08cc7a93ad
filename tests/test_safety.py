"""Bad input: one line naming file and line, exit 1, and not a byte changed on disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, METADATA_ARGS, run, tree

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
    "a control character": (
        {".platform.app.yaml": "name: app\ntype: 'php:8.3'\nx: \x1b[0m\n"},
        ".platform.app.yaml:3:4: character U+001B is not allowed in YAML (write it as an escape "
        "in a double-quoted string)"),
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
    assert_refused(project, ".: no legacy Platform.sh application found (looked for "
                   ".platform.app.yaml and .platform/applications.yaml)")


def test_file_over_5_mb_is_refused_before_parsing(project: Path) -> None:
    _make(project, {".platform.app.yaml": APP + "# " + "x" * (50 * 1024 * 1024) + "\n"})
    assert_refused(project, ".platform.app.yaml: file is larger than 5 MB")


def test_alias_bomb_is_bounded(project: Path) -> None:
    lines = ["name: app", "type: 'php:8.3'", "variables:", "  env:", "    a0: &a0 [x, x, x, x]"]
    lines += [f"    a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 12)]
    _make(project, {".platform.app.yaml": "\n".join(lines) + "\n"})
    # 4 * 9**11 values once expanded: the parser refuses it where the expansion first passes
    # the bound (a5: 4 * 9**5 = 236,196 values), before anything walks the tree
    assert_refused(project, ".platform.app.yaml:10: variables.env.a5: aliases expand to more "
                   "than 200,000 values; refused")


def test_aliases_that_expand_to_a_real_size_are_fine(project: Path) -> None:
    lines = ["name: app", "type: 'php:8.3'", "variables:", "  env:", "    a0: &a0 [x, x, x, x]"]
    lines += [f"    a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 4)]
    _make(project, {".platform.app.yaml": "\n".join(lines) + "\n"})
    assert run("migrate", project).exit_code == 0
    config = (project / ".upsun/config.yaml").read_text()
    assert "        a3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]\n" in config


def test_many_values_without_aliases_are_no_alias_bomb(project: Path) -> None:
    # the bound is on what aliases add: 210,000 values written out are the file's own size
    items = ", ".join(["x"] * 210_000)
    _make(project, {".platform.app.yaml": "name: app\ntype: 'php:8.3'\nvariables:\n  env:\n"
                                          f"    big: [{items}]\n"})
    assert run("migrate", project).exit_code == 0
    config = (project / ".upsun/config.yaml").read_text()
    assert f"\n        big: [{items}]\n" in config


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
    before = tree(project)

    def full_disk(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device", str(dst))

    with monkeypatch.context() as patched:  # config.yaml is published by link, --force by rename
        patched.setattr(os, "replace", full_disk)
        patched.setattr(os, "link", full_disk)
        result = run("migrate", project)
    assert result.exit_code == 1
    assert result.stderr == "error: .upsun/config.yaml: cannot write: No space left on device\n"
    assert tree(project) == before  # not even an empty .upsun/


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


DB = "db:\n  type: 'mariadb:11.4'\n"
LINKED_PLATFORM = ".platform: is a symbolic link; --remove-legacy would delete .platform/services.yaml " \
    "through it: remove the link and the legacy files yourself, or run without --remove-legacy"


def test_remove_legacy_through_a_linked_platform_folder_is_refused(project: Path) -> None:
    _make(project, {".platform.app.yaml": APP, "config/platform/services.yaml": DB})
    (project / ".platform").symlink_to("config/platform")
    assert_refused(project, LINKED_PLATFORM, "--remove-legacy")
    assert run("migrate", project).exit_code == 0  # reading through the link is fine


SHARED_CONF = "search:\n  type: solr:9.6\n  configuration:\n    cores:\n      main:\n" \
              "        conf_dir: !archive 'conf'\n"
#: Repositories with a link where the migration reads, writes or removes: (files, links).
LINK_LAYOUTS: dict[str, tuple[dict[str, bytes | str], dict[str, str]]] = {
    ".platform links to a folder": (
        {".platform.app.yaml": APP, "config/platform/services.yaml": DB},
        {".platform": "config/platform"}),
    "an !archive folder is a link": (
        {".platform.app.yaml": APP, ".platform/services.yaml": SHARED_CONF,
         "common/conf/schema.xml": "<schema/>\n"},
        {".platform/conf": "../common/conf"}),
    "services.yaml is a link": (
        {".platform.app.yaml": APP, "config/services.yaml": DB, ".platform/routes.yaml": "{}\n"},
        {".platform/services.yaml": "../config/services.yaml"}),
    "the app file is a link": (
        {"config/app.yaml": APP}, {".platform.app.yaml": "config/app.yaml"}),
    "an empty folder in .platform is a link": (
        {".platform.app.yaml": APP, ".platform/services.yaml": DB},
        {".platform/empty": "../empty"}),
    "a folder in .upsun is a link": (
        {".platform.app.yaml": APP, ".platform/services.yaml": SHARED_CONF,
         ".platform/conf/schema.xml": "<schema/>\n", "elsewhere/.keep": ""},
        {".upsun/conf": "../elsewhere"}),
}


def _legacy_name(rel: str) -> bool:
    return rel in (".platform.app.yaml", ".platform/") or rel.startswith(".platform/")


@pytest.mark.parametrize("layout", sorted(LINK_LAYOUTS))
def test_remove_legacy_never_loses_or_misplaces_a_file(project: Path, layout: str) -> None:
    """The class: a write or a removal that goes through a link. Whatever the layout, the run is
    refused with nothing changed, or it removes only what is named as legacy and adds files
    only under .upsun/; never a traceback."""
    files, links = LINK_LAYOUTS[layout]
    _make(project, files)
    for rel, target in links.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).symlink_to(target)
        if not (project / rel).exists():
            (project / rel).resolve().mkdir()  # a link to an empty folder
    before = tree(project)
    result = run("migrate", "--remove-legacy", project)
    after = tree(project)
    assert result.exit_code in (0, 1), result.stderr
    if result.exit_code == 1:
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
        assert after == before
        return
    assert all(_legacy_name(rel) for rel in set(before) - set(after))
    assert all(rel.startswith(".upsun/") for rel in set(after) - set(before))
    assert {rel: after[rel] for rel in after if rel in before} == \
        {rel: before[rel] for rel in after if rel in before}


def test_another_upsun_file_defining_a_key_the_migration_writes(project: Path) -> None:
    _make(project, {".platform.app.yaml": APP, ".platform/services.yaml": DB,
                    ".upsun/services.yaml": "# hand-written\nservices:\n  cache:\n    type: 'redis:7.2'\n"})
    message = (".upsun/services.yaml:2: defines 'services', which the migration writes to "
               ".upsun/config.yaml; Upsun reads both files and takes each top-level key from one: "
               "merge these definitions into the legacy configuration, or remove them, and run "
               "again")
    assert_refused(project, message)
    assert_refused(project, message, "--force")  # --force replaces config.yaml, nothing else


def test_another_upsun_file_with_an_unknown_key(project: Path) -> None:
    _make(project, {".platform.app.yaml": APP, ".upsun/extra.yaml": "foo:\n  bar: 1\n"})
    assert_refused(project, ".upsun/extra.yaml:1: foo: unknown top-level key; Upsun reads only "
                   "applications, routes, services")


def test_another_upsun_file_defining_what_the_migration_does_not_write(project: Path) -> None:
    """Routes written by hand for Upsun, the rest migrated: a careful user's expected result."""
    routes = "routes:\n  'https://{default}/':\n    type: upstream\n    upstream: 'app:http'\n"
    _make(project, {".platform.app.yaml": APP, ".upsun/routes.yaml": routes})
    assert run("migrate", project, *METADATA_ARGS).exit_code == 0
    assert (project / ".upsun/routes.yaml").read_text() == routes
    assert run("validate", project, *METADATA_ARGS).exit_code == 0


BESIDE = {"applications": "applications:\n  other:\n    type: 'php:8.3'\n",
          "services": "services:\n  cache:\n    type: 'redis:7.2'\n",
          "routes": "routes:\n  'https://{default}/':\n    type: upstream\n    upstream: 'app:http'\n",
          "foo": "foo: 1\n", "empty": "",
          "invalid routes": "routes:\n  'https://{default}/':\n    type: teleport\n"}


@pytest.mark.parametrize("beside", sorted(BESIDE))
@pytest.mark.parametrize("legacy", ["app only", "app, services and routes"])
@pytest.mark.parametrize("force", [False, True])
def test_after_migrate_succeeds_validate_succeeds(project: Path, beside: str, legacy: str,
                                                  force: bool) -> None:
    """The class: `migrate` judging its config.yaml alone, while Upsun reads the whole folder.
    Oracle: our own `validate` (checked against the official CLI elsewhere) on the result."""
    files: dict[str, bytes | str] = {".platform.app.yaml": APP, ".upsun/x.yaml": BESIDE[beside]}
    if force:
        files[".upsun/config.yaml"] = "applications: {}\n"  # replaced: its keys do not count
    if legacy != "app only":
        files.update({".platform/services.yaml": DB, ".platform/routes.yaml":
                      "'https://{default}/':\n  type: upstream\n  upstream: 'app:http'\n"})
    _make(project, files)
    before = tree(project)
    migrated = run("migrate", *(("--force",) if force else ()), project, *METADATA_ARGS)
    assert migrated.exit_code in (0, 1), migrated.stderr
    if migrated.exit_code == 1:
        assert tree(project) == before
        return
    checked = run("validate", project, *METADATA_ARGS)
    assert checked.exit_code == 0, checked.stdout + checked.stderr


def test_another_upsun_file_that_does_not_pass_the_schema(project: Path) -> None:
    _make(project, {".platform.app.yaml": APP, ".upsun/routes.yaml":
                    "# by hand\nroutes:\n  'https://{default}/':\n    type: teleport\n"})
    assert_refused(project, ".upsun/routes.yaml:4: routes.https://{default}/.type: 'teleport' is "
                   "not one of ['proxy', 'redirect', 'upstream'] (this file is read with the "
                   "migrated .upsun/config.yaml)", *METADATA_ARGS)


def _include(project: Path, path: str) -> None:
    _make(project, {".platform.app.yaml": APP,
                    ".platform/services.yaml": VCL_INCLUDE.format(f'"{path}"')})


LONG = "x" * 300


@pytest.mark.parametrize("case", ["NUL in an include", "a name too long",
                                  "a service included from a name too long", "a loop of links",
                                  "an app folder not in UTF-8"])
def test_paths_the_file_system_refuses_are_input_errors(project: Path, case: str) -> None:
    """Each stopped the run with an internal error (exit 3) before."""
    if case == "NUL in an include":
        _include(project, "nodir/a\\0b.vcl")
        message = (".platform/services.yaml:4: path '.platform/nodir/a\\x00b.vcl' holds a NUL "
                   "character")
    elif case == "a name too long":
        _include(project, f"{LONG}/a.vcl")
        message = f".platform/services.yaml:4: .platform/{LONG}/a.vcl: File name too long"
    elif case == "a service included from a name too long":
        _make(project, {".platform.app.yaml": APP,
                        ".platform/services.yaml": f"db: !include {LONG}/db.yaml\n"})
        message = f".platform/services.yaml:1: .platform/{LONG}/db.yaml: File name too long"
    elif case == "a loop of links":
        _include(project, "loop/a.vcl")
        (project / ".platform/loop").symlink_to("loop")
        message = ".platform/services.yaml:4: .platform/loop/a.vcl: a loop of symbolic links"
    else:
        _make(project, {".platform.app.yaml": APP})
        folder = os.fsencode(project) + b"/caf\xe9"
        os.mkdir(folder)
        with open(folder + b"/.platform.app.yaml", "w") as stream:
            stream.write("name: other\ntype: 'php:8.3'\n")
        message = ("caf\\xe9/.platform.app.yaml: the folder's name is not UTF-8, and an app's "
                   "folder becomes its source.root, which Upsun reads as UTF-8: rename the folder")
    assert_refused(project, message)


def _as_a_user() -> list[str]:
    """A command prefix under which folder permissions hold: root's capabilities that override
    them are dropped (as root, a folder that may not be entered still is)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("permissions cannot be enforced: running as root without setpriv")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]


def _migrator(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, UPSUN_MIGRATOR_OFFLINE="1")
    return subprocess.run([*_as_a_user(), sys.executable, "-m", "migrator", *map(str, args)],
                          capture_output=True, text=True, env=env, check=False)


def test_an_app_folder_that_may_not_be_entered_is_an_error_not_an_app_left_out(
        tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "nested-apps", repo)
    (repo / "backend").chmod(0o644)  # listed, not entered: its app file cannot be looked at
    try:
        before = tree(repo)
        result = _migrator("migrate", "--remove-legacy", repo)
        (repo / "backend").chmod(0o755)
        assert (result.returncode, result.stderr) == (
            1, "error: repo/backend/.platform.app.yaml: Permission denied\n")
        assert tree(repo) == before
    finally:
        (repo / "backend").chmod(0o755)


def test_a_repository_that_may_be_entered_but_not_listed_is_reported_by_bulk(
        tmp_path: Path) -> None:
    fleet = tmp_path / "fleet"
    for name in ("a", "hidden"):
        shutil.copytree(FIXTURES / "workers", fleet / name)
    (fleet / "hidden").chmod(0o311)
    try:
        result = _migrator("bulk", "--dry-run", "--jobs", "1", fleet)
    finally:
        (fleet / "hidden").chmod(0o755)
    assert result.returncode == 1
    assert f"failed   {fleet}/hidden: " in result.stdout
    assert ": 1 dry-run, 1 failed" in result.stderr.splitlines()[-1]
