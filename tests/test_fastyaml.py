"""The fast loader parts must behave exactly as ruamel.yaml's own: same tokens, same trees, same errors."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from migrator import yamlio
from migrator.errors import InputError
from tests.conftest import CORPUS, REPO


def stock() -> YAML:
    return yamlio.new_yaml(fast=False)


def fast() -> YAML:
    return yamlio.new_yaml()


def tokens(yaml: YAML, text: str) -> list[Any]:
    seen: list[Any] = []
    try:
        for token in yaml.scan(text):
            seen.append((type(token).__name__, getattr(token, "value", None), token.start_mark.index,
                         token.start_mark.line, token.start_mark.column, token.end_mark.index,
                         token.end_mark.line, token.end_mark.column, repr(token.comment)))
    except YAMLError as exc:
        seen.append(f"{type(exc).__name__}: {exc}")
    return seen


def loaded(yaml: YAML, text: str) -> str:
    """The document as this instance writes it back (comments, styles, anchors), or the error."""
    try:
        data = yaml.load(text)
    except YAMLError as exc:
        return f"{type(exc).__name__}: {exc}"
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def documents() -> list[Path]:
    found = sorted(CORPUS.rglob("*.yaml")) + sorted(CORPUS.rglob("*.yml"))
    found += sorted((REPO / "tests" / "fixtures").rglob("*.yaml"))
    return [p for p in found if p.is_file() and not p.is_symlink()]


def test_every_corpus_and_fixture_document_scans_and_loads_as_with_ruamel() -> None:
    paths = documents()
    assert len(paths) > 600
    differing = []
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        if tokens(stock(), text) != tokens(fast(), text) or \
                loaded(stock(), text) != loaded(fast(), text):
            differing.append(str(path.relative_to(REPO.parent)))
    assert differing == []


EDGES = {
    "crlf": "a: 1\r\n# c\r\nb: [x, y]  # d\r\n\r\nc: |\r\n  z\r\n",
    "bom": "\ufeffa: 1  # c\n",
    "comment at the end without a line break": "a: 1\n# last",
    "blank lines, then an indented comment": "a:\n  b: 1\n\n\n  # c\nd: 2\n",
    "hash and colon inside plain scalars": "a: b#c d:e http://x/y?z=1 :f\nq?: w\n",
    "plain scalar over several lines": "a: one\n  two\n\n  three # c\nb: four\n",
    "document markers": "---\na: b\n...\n",
    "line separators": "a: b\u2028c\nd: e\x85f\n",
    "tab after a value": "a: b\t# c\n",
    "flow collections": "a: {b: c, d: [e, f]}  # g\nh: [i,\n  j]\n",
    "YAML 1.1": "%YAML 1.1\n---\na: b?c\nd: yes\n",
    "anchors and tags": "a: &x !include {type: string, path: f}\nb: *x\nc: !archive d\n",
    "quoted": "a: 'b # c'  # d\n\"e\": \"f\\ng\"\n",
    "block scalars": "a: >-\n  b\n  c\n\n# d\ne: |+\n  f\n\n",
    "sequence of mappings": "- a: 1\n  # c\n  b: 2\n-   c: 3\n",
    "error: simple key without colon": "a: b\nc\nd: e\n",
    "error: tab indentation": "a:\n\tb: c\n",
    "error: duplicate key": "a: 1\na: 2\n",
    "error: unclosed quote": "a: 'b\n",
}


@pytest.mark.parametrize("text", EDGES.values(), ids=EDGES.keys())
def test_edge_cases_scan_and_load_as_with_ruamel(text: str) -> None:
    assert tokens(fast(), text) == tokens(stock(), text)
    assert loaded(fast(), text) == loaded(stock(), text)


def test_a_failed_load_leaves_nothing_behind_for_the_next() -> None:
    with pytest.raises(InputError):
        yamlio.load("a: &x 1\nb: [\n", "first.yaml")
    with pytest.raises(InputError, match="found undefined alias 'x'"):
        yamlio.load("c: *x\n", "second.yaml")
    assert yamlio.load("d: 1  # e\n", "third.yaml") == {"d": 1}


PIECES = ["a", "key", "b c", "#", " #x", ":", ": ", "?", "-", "- ", "'q'", '"d\\"q"', "&x ", "*x",
          "!include ", "[e, f]", "{g: h}", "|", ">-", "\t", "  ", "é", "\u2028", "\r", "...", "---"]


@st.composite
def yamlish(draw: st.DrawFn) -> str:
    """Lines of YAML-like text: mostly valid block mappings and sequences, some broken on purpose."""
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        indent = " " * draw(st.sampled_from([0, 0, 2, 4, 6]))
        kind = draw(st.sampled_from(["pair", "pair", "item", "comment", "blank", "free"]))
        text = "".join(draw(st.lists(st.sampled_from(PIECES), max_size=4)))
        if kind == "pair":
            lines.append(f"{indent}{draw(st.sampled_from(['a', 'b', 'c d', 'e']))}: {text}")
        elif kind == "item":
            lines.append(f"{indent}- {text}")
        elif kind == "comment":
            lines.append(f"{indent}# {text}")
        elif kind == "blank":
            lines.append(indent)
        else:
            lines.append(indent + text)
    ending = draw(st.sampled_from(["\n", "", "\r\n", "\n\n"]))
    return ending.join(lines) + ending


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(yamlish())
def test_generated_text_scans_and_loads_as_with_ruamel(text: str) -> None:
    assert tokens(fast(), text) == tokens(stock(), text)
    assert loaded(fast(), text) == loaded(stock(), text)
