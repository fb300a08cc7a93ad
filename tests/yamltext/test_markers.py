"""Directives and document markers (issue 23, item 4): `%YAML`, `%TAG`, `---` (alone, with a
comment, with the root's tag on its line, with the content on its line) and `...` were
copied into the middle of the nested output. They are left out, their comments kept as lines
of their own; a tag written with a `%TAG` handle is written as it reads without it. Every
combination of them is tried on an app file and on routes.yaml.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from migrator.migration.pipeline import migrate
from migrator.model import Settings
from migrator.yamltext.nodes import to_data
from migrator.yamltext.parse import parse
from tests.conftest import run, write_files

DIRECTIVES = ["", "%YAML 1.2\n", "%YAML 1.1  # old\n", "%TAG !e! tag:yaml.org,2002:\n",
              "%YAML 1.2\n# between\n%TAG !pl! !\n"]
STARTS = ["", "---\n", "--- # start\n", "--- !!map\n", "--- !!map # start\n"]
ENDS = ["", "...\n", "... # end\n# after\n"]


def _comments(text: str) -> list[str]:
    return [line[line.index("#"):] for line in text.split("\n") if "#" in line]


@pytest.mark.parametrize("directives,start,end",
                         [c for c in itertools.product(DIRECTIVES, STARTS, ENDS)
                          if c[1] or not c[0]])  # directives need a `---`
def test_markers_leave_the_nested_output(project: Path, directives: str, start: str,
                                         end: str) -> None:
    app = "name: app\ntype: !!str 'php:8.4'  # type\n"
    routes = '"https://{default}/":\n  type: upstream\n  upstream: !!str app:http\n'
    if "%TAG !e!" in directives:
        app, routes = app.replace("!!str", "!e!str"), routes.replace("!!str", "!e!str")
    write_files(project, {".platform.app.yaml": directives + start + app + end,
                          ".platform/routes.yaml": directives + start + routes + end})
    config = migrate(project, Settings()).config_text
    assert to_data(parse(config, "out").root) == {
        "applications": {"app": {"type": "php:8.4"}},
        "routes": {"https://{default}/": {"type": "upstream", "upstream": "app:http"}}}
    assert "---" not in config and "..." not in config and "%" not in config
    assert "!e!" not in config
    legacy = _comments(directives + start + app + end) + _comments(directives + start + routes
                                                                    + end)
    assert sorted(_comments(config)) == sorted(legacy)


def test_content_on_the_start_marker_line(project: Path) -> None:
    write_files(project, {".platform.app.yaml": '--- {name: app, type: "php:8.4"}\n',
                          ".platform/routes.yaml": "--- &root\n\"https://{default}/\":\n"
                                                   "  type: upstream\n  upstream: app:http\n"})
    assert migrate(project, Settings()).config_text == (
        'applications:\n  app:\n    {type: "php:8.4"}\nroutes:\n  "https://{default}/":\n'
        "    type: upstream\n    upstream: app:http\n")


def test_a_tag_handle_names_an_archive(project: Path) -> None:
    write_files(project, {".platform.app.yaml": "name: app\ntype: 'php:8.4'\n",
                          ".platform/conf/x": "x\n",
                          ".platform/services.yaml": (
                              "%TAG !! !\n---\nsolr:\n  type: solr:9.9\n  configuration:\n"
                              "    cores:\n      a:\n        conf_dir: !!archive conf\n")})
    assert migrate(project, Settings()).config_text.endswith(
        "      cores:\n        a:\n          conf_dir: !archive conf\n")


@pytest.mark.parametrize("value,reading", [
    ("yes", "a boolean"), ("0755", "a number in base 8"), ("08", "a string"),
    ("1:30", "a number"), ("0o17", "a string"), ("1e3", "a string")])
def test_yaml_1_1_readings_that_differ_are_refused(project: Path, value: str,
                                                   reading: str) -> None:
    write_files(project, {".platform.app.yaml": (
        f"%YAML 1.1\n---\nname: app\ntype: 'php:8.4'\nvariables:\n  env:\n    X: {value}\n")})
    result = run("migrate", project)
    assert (result.exit_code, result.stderr) == (1, (
        f"error: .platform.app.yaml:7:8: `{value}` is {reading} in YAML 1.1 (this file's %YAML "
        "directive) and not in YAML 1.2: quote it, or write it so that both read the same\n"))


@pytest.mark.parametrize("directives,refusal", [
    ("%YAML 1.3\n", "1:1: a YAML version other than 1.1 and 1.2 (the %YAML directive)"),
    ("%YAML 2.0\n", "1:1: a YAML version other than 1.1 and 1.2 (the %YAML directive)"),
    ("%YAML 1.1\n%YAML 1.2\n", "2:1: found duplicate %YAML directive"),
    ("%TAG !e! a\n%TAG !e! b\n", "2:1: found duplicate %TAG directive"),
    ("%YAML 1.2  # c\n%FOO bar\n", "2:5: found unknown directive name")])
def test_directives_libyaml_refuses_are_refused_alike(project: Path, directives: str,
                                                      refusal: str) -> None:
    """Each was refused by libyaml and read, or refused in other words, by the pure-Python
    parser (CI runs the suite with each)."""
    write_files(project, {".platform.app.yaml": directives + "---\nname: app\ntype: 'php:8.4'\n"})
    result = run("migrate", project)
    assert (result.exit_code, result.stderr) == (1, f"error: .platform.app.yaml:{refusal}\n")
