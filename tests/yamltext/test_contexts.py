"""Text moved into a new context (issue 23, item 5): a value that becomes a key, a block that
moves into a flow collection or to another indentation, is written so that it reads there:
a key longer than a simple key may be (1024 characters, libyaml's and YAML's limit) as an
explicit `? key`, a block value in flow style, lines shifted by what they moved. Each output
is read back by a second parser (ruamel.yaml) and checked against the Upsun schema.
"""

from __future__ import annotations

from pathlib import Path

from migrator.migration.pipeline import migrate
from migrator.model import Settings
from tests import second_parser
from tests.conftest import run, write_files
from tests.upsun_schema import load_config, schema_errors

LONG = "x" * 1100


def _migrated(project: Path, files: dict[str, str]) -> str:
    write_files(project, files)
    result = run("migrate", project)
    assert result.exit_code == 0, result.stderr
    text = (project / ".upsun/config.yaml").read_text(encoding="utf-8")
    second_parser.load(text)
    assert schema_errors(load_config(text, (project / ".upsun",)), versions=False) == []
    return text


def test_a_long_app_name_becomes_an_explicit_key(project: Path) -> None:
    """Was: exit 3, `mapping values are not allowed` (a 1,100-character simple key)."""
    text = _migrated(project, {".platform.app.yaml": f"name: app-{LONG}\ntype: 'php:8.4'\n"})
    assert text == f"applications:\n  ? app-{LONG}\n  :\n    type: 'php:8.4'\n"


def test_a_long_name_in_an_applications_list(project: Path) -> None:
    text = _migrated(project, {".platform/applications.yaml": (
        f"- name: app-{LONG}\n  type: 'php:8.4'\n- &b\n  name: b\n  type: 'php:8.4'\n")})
    assert text.startswith(f"applications:\n  ? app-{LONG}\n  :\n")


def test_a_long_whitelist_pattern_becomes_an_explicit_key(project: Path) -> None:
    pattern = "\\\\." + "a" * 1100 + "$"
    text = _migrated(project, {".platform.app.yaml": (
        "name: app\ntype: 'php:8.4'\nweb:\n  document_root: /public\n  passthru: /index.php\n"
        f"  whitelist:\n    - '{pattern}'\n")})
    assert f"            ? {pattern}\n            :\n              allow: true\n" in text


def test_a_long_value_moves_under_start_and_into_locations(project: Path) -> None:
    long_value = "echo " + "y" * 1100
    text = _migrated(project, {".platform.app.yaml": (
        f"name: app\ntype: 'php:8.4'\ncrons:\n  job:\n    spec: '* * * * *'\n"
        f"    cmd: {long_value}\nweb:\n  document_root: /public\n"
        f"  passthru: \"/index.php?{'q' * 1100}\"\n")})
    assert f"      job:\n        spec: '* * * * *'\n        commands:\n          start: " \
           f"{long_value}\n" in text


def test_a_merged_block_written_into_a_flow_mapping(project: Path) -> None:
    """UPS011 drops the null `primary` `{<<: *r, id: ~}` merges, so it writes the merged
    entries out; `cache` is a block with a comment: it is written in flow style, its comment
    on a line before."""
    text = _migrated(project, {".platform.app.yaml": "name: app\ntype: 'php:8.4'\n",
                               ".platform/routes.yaml": (
                                   '"https://{default}/": &r\n  type: upstream\n'
                                   "  upstream: app:http\n  primary: ~\n"
                                   "  cache:\n    # cookies kept\n"
                                   "    enabled: true\n    cookies: ['/^SESS/']\n"
                                   '"https://www.{default}/": {<<: *r, id: ~}\n')})
    assert text.endswith(
        "  # primary: null removed (null meant the default)\n"
        "  # id: null removed (null meant the default)\n  # cookies kept\n"
        '  "https://www.{default}/": {type: upstream, upstream: app:http, cache: '
        "{enabled: true, cookies: ['/^SESS/']}}\n")


def test_flow_routes_spanning_lines_nest(project: Path) -> None:
    text = _migrated(project, {".platform.app.yaml": "name: app\ntype: 'php:8.4'\n",
                               ".platform/routes.yaml": (
                                   '{"https://{default}/": {type: upstream,\n'
                                   'upstream: "app:http", id: ~},\n'
                                   '"https://www.{default}/": {type: redirect,\n'
                                   'to: "https://{default}/"}}\n')})
    assert text.endswith('routes:\n  # id: null removed (null meant the default)\n'
                         '  {"https://{default}/": {type: upstream,\n  upstream: "app:http"},\n'
                         '  "https://www.{default}/": {type: redirect,\n'
                         '  to: "https://{default}/"}}\n')


def test_an_anchor_relocated_into_a_flow_collection_carries_its_edits(project: Path) -> None:
    write_files(project, {".platform.app.yaml": (
        "name: app\ntype: 'php:8.4'\nx-templates:\n  base: &base\n    commands:\n"
        "      start: run  # the command\n    size: S\n"
        "workers:\n  queue: {<<: *base, variables: {env: {A: '1'}}}\n")})
    result = migrate(project, Settings())
    assert result.config_text.split("    workers:\n")[1] == (
        "      # resources: upsun resources:set --size app--queue:0.5 (legacy size: S, 0.40 CPU / 128 MB)\n"
        "      # the command\n"
        "      # size: S removed: each container that uses this block has its own resources "
        "hint\n"
        "      queue: {<<: &base {commands: {start: run}}, variables: {env: {A: '1'}}}\n")
