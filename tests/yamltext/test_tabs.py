"""Tabs: libyaml and the pure-Python parser give one answer (issue 23, item 7).

libyaml reads a tab as a space in a flow collection, after a value on its line and before a
comment; ruamel.yaml's pure-Python parser stops at some of them, or at the token after one.
The engine reads such a tab as a space with the pure-Python parser too
(`tabs.separating_tab`), so a
project's result does not depend on which parser is installed. Generated texts with tabs put
where spaces were, or added before line ends, parse to the same tree or the same error with
both parsers.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.yamltext.test_parsers import parsed

DOCUMENTS = [
    "name: app\ntype: 'php:8.4'\nrelationships: {db: 'db:mysql', cache: \"redis:redis\"}\n",
    "web:\n  locations:\n    '/': {root: public, passthru: true}  # c\n",
    "workers:\n  queue:\n    commands: {start: run}\n    size: S\n",
    "routes: [a, b, {c: 1, d: [x, y]}]\nhooks:\n  build: |\n    set -e\n    make\n",
    "a: &x {b: 1}\nc: *x\nd: !!str 12\ne: x y z   # end\n",
    "list:\n  - one\n  - {k: v}\n  - [1, 2]\n",
    "text: a plain scalar\n  continued\nflow: [1,\n  2, 3]\n",
]


@st.composite
def tabbed(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(DOCUMENTS))
    chars = list(text)
    spaces = [i for i, char in enumerate(chars) if char == " "]
    for index in draw(st.lists(st.sampled_from(spaces), max_size=3, unique=True)):
        chars[index] = "\t"
    ends = [i for i, char in enumerate(chars) if char == "\n"]
    for index in sorted(draw(st.lists(st.sampled_from(ends), max_size=2, unique=True)),
                        reverse=True):
        chars.insert(index, "\t")
    return "".join(chars)


def _pinned(text: str) -> bool:
    """The divergence left: a tab opening the continuation line of a plain scalar, after
    its indentation (libyaml reads it as a space; the pure-Python parser, which stops at
    it, cannot tell it from a tab that starts a token)."""
    return re.search(r"\n +\t[ \t]*continued", text) is not None


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=tabbed())
def test_tabs_read_alike_with_both_parsers(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if _pinned(text):
        return
    assert parsed(text, "c", monkeypatch) == parsed(text, "pure", monkeypatch), repr(text)


@pytest.mark.parametrize("text", [
    "a: {b:\t1,\tc: 2}\n", "a: [1,\n\t2]\n", "a: 1\t# c\n", "a: x\t\n", "a: |\t# c\n  x\n",
    "a: {b: x\ty}\n", "a: x\ty\n", "a:\t1\n", "? a\t\n: b\n", "[x # c\n\t, y]\n",
])
def test_a_tab_where_libyaml_reads_a_space(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = parsed(text, "c", monkeypatch)
    assert not isinstance(tree, str)  # libyaml reads it
    assert parsed(text, "pure", monkeypatch) == tree


@pytest.mark.parametrize("text", ["\ta: 1\n", "a:\n\tb: 1\n", "-\ta\n", "a: [x\n\t y]\n"])
def test_a_tab_both_parsers_refuse(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    refused = parsed(text, "c", monkeypatch)
    assert isinstance(refused, str) and "tab character" in refused
    assert parsed(text, "pure", monkeypatch) == refused


def test_known_difference_a_tab_after_the_indentation_of_a_plain_continuation(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Pinned: libyaml reads the tab as part of the plain scalar's line folding; the
    pure-Python parser stops at it where no value stands before it on its line, which is
    also where libyaml refuses a tab (an indentation)."""
    text = "a: x\n  \ty\n"
    assert parsed(text, "c", monkeypatch)[0] == "map"
    assert parsed(text, "pure", monkeypatch) == "f:2:3: tab character where YAML expects spaces"


def test_many_tabs_are_refused_with_the_pure_parser_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Pinned: each tab the pure-Python parser stops at costs one more parse of the file, so
    it reads at most MAX_TABS of them (libyaml reads any number)."""
    from migrator.yamltext.parse import MAX_TABS

    text = "".join(f"k{i}: {{a: x\ty}}\n" for i in range(MAX_TABS + 1))
    assert parsed(text, "c", monkeypatch)[0] == "map"
    refused = parsed(text, "pure", monkeypatch)
    column = len(f"k{MAX_TABS}: {{a: x") + 1
    assert refused.startswith(f"f:{MAX_TABS + 1}:{column}: tab character where YAML expects "
                              f"spaces (after {MAX_TABS} others")
