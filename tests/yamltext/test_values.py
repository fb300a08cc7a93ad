"""Values as YAML means them (issue 23, items 1 and 6).

Item 1, a null value given a value: every spelling of a null (`key:`, `~`, `null`, `Null`,
`NULL`, `!!null`, `!!null ''`), in block and flow style, with and without a comment after it,
with and without an anchor, filled by UPS002 (`source.root` of an app in a sub-folder),
becomes `root: sub` (the grammar is finite: every combination is tried).

Item 6, core tags: `!!str`, `!!int`, `!!float`, `!!bool`, `!!null` on a value mean what YAML
says, whatever the quoting; checked against ruamel.yaml's safe constructors, which implement the
tags (on texts YAML 1.1 and 1.2 read alike), and end to end.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from migrator.migration.pipeline import migrate
from migrator.model import Settings
from migrator.yamltext.nodes import to_data
from migrator.yamltext.parse import parse
from tests.conftest import run, write_files

NULLS = ["", "~", "null", "Null", "NULL", "!!null", "!!null ''"]


def _fills(null: str, flow: bool, comment: bool, anchor: bool) -> tuple[str, str]:
    value = ("&r " if anchor else "") + null
    if flow:
        value = value if value.strip() else "~" if anchor else value
        text = f"source: {{root: {value}{' ' if value.endswith('null') else ''}}}"
        return text + ("  # c" if comment else ""), "{root: " + ("&r " if anchor else "")
    return f"source:\n  root: {value}".rstrip() + ("  # c" if comment else ""), \
        "root: " + ("&r " if anchor else "")


@pytest.mark.parametrize("null,flow,comment,anchor",
                         list(itertools.product(NULLS, [False, True], [False, True],
                                                [False, True])))
def test_every_null_spelling_is_given_a_value(project: Path, null: str, flow: bool,
                                              comment: bool, anchor: bool) -> None:
    legacy, expected = _fills(null, flow, comment, anchor)
    write_files(project, {"backend/.platform.app.yaml": f"name: app\ntype: 'php:8.4'\n{legacy}\n"})
    config = migrate(project, Settings()).config_text
    assert f"{expected}backend" in config, config
    assert to_data(parse(config, "out").root)["applications"]["app"]["source"] == {
        "root": "backend"}


TAGGED = st.one_of(
    st.tuples(st.just("str"), st.sampled_from(["app", "12", "true", "~", "1.5", "名前"])),
    st.tuples(st.just("int"), st.integers(-10**6, 10**6).map(str)),
    st.tuples(st.just("float"), st.one_of(st.integers(-999, 999).map(str),
                                          st.floats(-1e6, 1e6, allow_nan=False).map(repr))),
    st.tuples(st.just("bool"), st.sampled_from(["true", "false", "True", "FALSE"])),
    st.tuples(st.just("null"), st.sampled_from(["", "~", "null", "NULL"])))


@given(TAGGED, st.sampled_from(["{}", "'{}'", '"{}"']))
def test_core_tags_mean_what_yaml_says(tagged: tuple[str, str], quoting: str) -> None:
    tag, text = tagged
    if quoting != "{}" and tag == "null" and text:
        return  # a quoted null text is a string YAML's null tag does not read
    document = f"v: !!{tag} {quoting.format(text)}\n"
    ours = to_data(parse(document, "f").root)["v"]
    theirs = YAML(typ="safe", pure=True).load(document)["v"]
    assert (ours, type(ours)) == (theirs, type(theirs)), document


@pytest.mark.parametrize("text,problem", [
    ("!!int x", "!!int 'x' is not an integer"), ("!!bool yes", "!!bool 'yes' is not true or false"),
    ("!!null 0", "!!null '0' is not a null (~, null or nothing)"),
    ("!!binary aGk=", "!!binary is not supported on a value"),
    ("!!map x", "!!map is not supported on a value"), ("!!str {a: 1}", "!!str does not fit a mapping"),
])
def test_a_core_tag_its_text_does_not_fit_is_refused(text: str, problem: str) -> None:
    with pytest.raises(Exception, match=r"^f:1:4: " + problem.replace("(", r"\(")
                       .replace(")", r"\)").replace("{", r"\{")):
        parse(f"v: {text}\n", "f")


def test_a_tagged_name_and_values_migrate(project: Path) -> None:
    """Was: "application `name` must be a non-empty string" for `name: !!str app`."""
    write_files(project, {".platform.app.yaml": (
        "name: !!str app\ntype: !!str 'php:8.4'\ndisk: !!int \"2048\"\n"
        "relationships:\n  db: !!str 'db:mysql'\nmounts:\n  web: {source: !!str local}\n"),
        ".platform/services.yaml": "db:\n  type: mariadb:11.4\n"})
    result = run("migrate", project)
    assert result.exit_code == 0, result.stderr
    assert (project / ".upsun/config.yaml").read_text().startswith(
        "applications:\n  app:\n    type: !!str 'php:8.4'\n"
        "    # resources: upsun resources:set --disk app:2048 (legacy disk: 2048 MB)\n"
        "    relationships:\n      db: {service: db, endpoint: mysql}\n"
        "    mounts:\n      web: {source: storage}\n")
