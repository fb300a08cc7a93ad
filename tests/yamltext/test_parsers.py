"""libyaml and PyYAML's pure-Python parser build the same trees and the same migrations.

The engine parses with libyaml where the wheel has it and falls back to the pure-Python port
(`UPSUN_MIGRATOR_YAML=pure`). Differential testing, as for any pair of implementations of one
contract: every corpus file gives identical trees (spans included), and every corpus project
gives a byte-identical `.upsun/config.yaml` or the same one-line error.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from migrator.errors import MigratorError
from migrator.model import Settings
from migrator.pipeline import migrate
from migrator.yamltext import parse as yamlparse
from migrator.yamltext.nodes import Alias, Mapping, Node, Scalar, Sequence
from tests.conftest import CORPUS
from tests.test_corpus import IDS

FILES = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def shape(node: Node | None) -> Any:
    if node is None:
        return None
    if isinstance(node, Alias):
        return ("alias", node.start, node.end, node.target.start)
    if isinstance(node, Scalar):
        return ("scalar", node.start, node.end, node.tag, node.anchor, node.value, node.style)
    if isinstance(node, Sequence):
        return ("seq", node.start, node.end, node.tag, node.anchor, node.flow,
                [shape(i) for i in node.items])
    assert isinstance(node, Mapping)
    return ("map", node.start, node.end, node.tag, node.anchor, node.flow,
            [(shape(k), shape(v)) for k, v in node.pairs])


def parsed(text: str, mode: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("UPSUN_MIGRATOR_YAML", mode)
    assert yamlparse.parser_name() == mode
    try:
        return shape(yamlparse.parse(text, "f").root)
    except MigratorError as error:
        return str(error)


def test_the_corpus_has_files() -> None:
    assert len(FILES) > 500


def test_both_parsers_build_identical_trees(monkeypatch: pytest.MonkeyPatch) -> None:
    for path in FILES:
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        assert parsed(text, "c", monkeypatch) == parsed(text, "pure", monkeypatch), path


@pytest.mark.parametrize("text", [
    "a: 1\r\nb: [x, y]  # d\r\n", "é: '😀'\nb: |\n  x\ty\n", "a:\n  - &x {b: ~}\n  - *x\n",
    "a: |+\n  keep\n\n\nb: >-\n  folded\n  text\n", "? x\n: y\n", "a: !include {path: x}\n",
])
def test_edge_cases_parse_alike(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert parsed(text, "c", monkeypatch) == parsed(text, "pure", monkeypatch)


def test_known_difference_a_tab_opening_block_scalar_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The one divergence found: libyaml refuses a tab right after a block scalar's
    indentation, the pure-Python port reads it as text. No corpus file has one."""
    text = "b: |\n  \tx\n"
    assert parsed(text, "c", monkeypatch) == "f:2:3: tab character where YAML expects spaces"
    assert parsed(text, "pure", monkeypatch)[0] == "map"


def _outcome(root: Path) -> str:
    try:
        return migrate(root, Settings()).config_text
    except MigratorError as error:
        return f"error: {error}"


def test_every_corpus_project_migrates_alike_with_both_parsers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for project_id in IDS:
        monkeypatch.setenv("UPSUN_MIGRATOR_YAML", "c")
        with_c = _outcome(CORPUS / project_id)
        monkeypatch.setenv("UPSUN_MIGRATOR_YAML", "pure")
        assert _outcome(CORPUS / project_id) == with_c, project_id
    assert os.environ["UPSUN_MIGRATOR_YAML"] == "pure"
