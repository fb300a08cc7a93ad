"""ruamel.yaml's C parser (libyaml) and its pure-Python parser build the same trees and the same
migrations.

The engine parses with libyaml where ruamel.yaml.clib's wheel has it and falls back to the
pure-Python parser (`UPSUN_MIGRATOR_YAML=pure`); where they disagree, the disagreement is pinned
here with its reason. Differential testing, as for any pair of implementations of one
contract: every corpus file gives identical trees (spans included), and every corpus project
gives a byte-identical `.upsun/config.yaml` or the same one-line error.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tomllib
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.parser import Parser
from ruamel.yaml.scanner import Scanner, ScannerError

from migrator.errors import MigratorError
from migrator.migration.pipeline import migrate
from migrator.model import Settings
from migrator.yamltext import parse as yamlparse
from migrator.yamltext.nodes import Alias, Mapping, Node, Scalar, Sequence
from migrator.yamltext.parse import CParser
from migrator.yamltext.pure import PureSource
from tests.conftest import CORPUS, REPO, corpus_sample
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


def nodes(node: Node | None) -> list[Node]:
    """Every node of a tree, keys too, aliases not followed."""
    if node is None:
        return []
    if isinstance(node, Mapping):
        return [node, *(n for key, value in node.pairs for n in (*nodes(key), *nodes(value)))]
    if isinstance(node, Sequence):
        return [node, *(n for item in node.items for n in nodes(item))]
    return [node]


@pytest.mark.parametrize("mode", ["c", "pure"])
def test_a_document_says_whether_it_holds_an_alias_and_a_platform_tag(
        mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPSUN_MIGRATOR_YAML", mode)
    texts = {str(path): path.read_text(encoding="utf-8").replace("\r\n", "\n")
             for path in FILES}
    texts["both"] = "a: &x {b: !include c.yaml}\nd: *x\n"  # no corpus file has both
    texts["tag, not a Platform.sh one"] = "a: !!str 1\nb: &y 2\n"
    seen = {(False, False): 0, (True, False): 0, (False, True): 0, (True, True): 0}
    for name, text in texts.items():
        try:
            document = yamlparse.parse(text, name)
        except MigratorError:
            continue
        found = nodes(document.root)
        flags = (any(isinstance(n, Alias) for n in found),
                 any(n.tag in ("!include", "!archive") for n in found))
        assert (document.aliased, document.tagged) == flags, name
        seen[flags] += 1
    assert all(seen.values()), seen


@pytest.mark.parametrize("text", [
    "a: 1\r\nb: [x, y]  # d\r\n", "é: '😀'\nb: |\n  x\ty\n", "a:\n  - &x {b: ~}\n  - *x\n",
    "a: |+\n  keep\n\n\nb: >-\n  folded\n  text\n", "? x\n: y\n", "a: !include {path: x}\n",
])
def test_edge_cases_parse_alike(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert parsed(text, "c", monkeypatch) == parsed(text, "pure", monkeypatch)


def test_a_tab_opening_block_scalar_text_is_refused_by_both(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Was the one divergence found: libyaml refuses a tab right after a block scalar's
    indentation, the pure-Python port read it as text; the engine refuses it with both
    (tests/yamltext/test_tabs.py has the other tabs)."""
    text = "b: |\n  \tx\n"
    assert parsed(text, "c", monkeypatch) == "f:2:3: tab character where YAML expects spaces"
    assert parsed(text, "pure", monkeypatch) == parsed(text, "c", monkeypatch)


def _outcome(root: Path) -> str:
    try:
        return migrate(root, Settings()).config_text
    except MigratorError as error:
        return f"error: {error}"


def test_every_corpus_project_migrates_alike_with_both_parsers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every project in the `ci` profile, a sample in `dev` (every file's events are compared in
    both profiles by the tests above)."""
    for project_id in corpus_sample(IDS):
        monkeypatch.setenv("UPSUN_MIGRATOR_YAML", "c")
        with_c = _outcome(CORPUS / project_id)
        monkeypatch.setenv("UPSUN_MIGRATOR_YAML", "pure")
        assert _outcome(CORPUS / project_id) == with_c, project_id
    assert os.environ["UPSUN_MIGRATOR_YAML"] == "pure"


@pytest.mark.parametrize("mode", ["c", "pure"])
def test_a_control_character_is_located_alike(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """libyaml counts a reader error's position in bytes, the pure-Python reader in characters;
    both point at the character."""
    assert parsed("a: \u00e9\u20ac\U0001f600\x07\n", mode, monkeypatch) == (
        "f:1:7: character U+0007 is not allowed in YAML (write it as an escape in a "
        "double-quoted string)")


NO_C_PARSER = """
import sys
sys.modules["_ruamel_yaml"] = None  # what a platform without ruamel.yaml.clib's wheel has
from pathlib import Path
from migrator.model import Settings
from migrator.migration.pipeline import migrate
from migrator.yamltext import parse
print(parse.parser_name())
print(migrate(Path(sys.argv[1]), Settings()).config_text)
"""


def test_without_the_c_parser_the_pure_parser_migrates_alike() -> None:
    """Where ruamel.yaml.clib is not installed, the pure-Python parser is the one used, and a
    project migrates to the same text."""
    env = {k: v for k, v in os.environ.items() if k != "UPSUN_MIGRATOR_YAML"}
    project = CORPUS / "platformsh-templates__keycloak"
    result = subprocess.run([sys.executable, "-c", NO_C_PARSER, str(project)],
                            capture_output=True, text=True, env=env, check=True)
    assert result.stdout == "pure\n" + migrate(project, Settings()).config_text + "\n"


LOADED = """
import io, json, sys
from migrator.cli import main
sys.stdout = io.StringIO()
main(["migrate", "--dry-run", sys.argv[1]])
sys.stdout = sys.__stdout__
print(json.dumps(sorted(sys.modules)))
"""


def test_the_engine_parses_with_ruamel_yaml_alone(tmp_path: Path) -> None:
    """One YAML library: a migration runs on ruamel.yaml's C parser and loads no PyYAML, which
    is no dependency."""
    env = {k: v for k, v in os.environ.items() if k != "UPSUN_MIGRATOR_YAML"}
    env.update(UPSUN_MIGRATOR_OFFLINE="1", XDG_CACHE_HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", LOADED, str(CORPUS / IDS[0])],
                            capture_output=True, text=True, env=env, check=True)
    modules = json.loads(result.stdout)
    assert "_ruamel_yaml" in modules
    assert [name for name in modules if name == "yaml" or name.startswith("yaml.")] == []
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    names = [re.split("[<>=~ ]", requirement)[0].lower()
             for requirement in project["dependencies"] + project["optional-dependencies"]["test"]]
    assert "ruamel.yaml.clib" in names
    assert [name for name in names if "pyyaml" in name] == []


def _events(source: Any) -> list[tuple[str, int, int]]:
    found = []
    while True:
        event = source.get_event()
        found.append((type(event).__name__, event.start_mark.index, event.end_mark.index))
        if type(event).__name__ == "StreamEndEvent":
            return found


def _stock_pure(text: str) -> Any:
    """ruamel.yaml's pure-Python parser as it ships, without the engine's two readings."""
    source = PureSource(text)
    source._scanner = source.scanner = Scanner(loader=source)
    source._parser = Parser(loader=source)
    return source


def test_pinned_keycloak_block_scalar_with_a_shorter_blank_first_line() -> None:
    """keycloak's `start: |` is followed by a line of 11 spaces, then text indented by 12.
    YAML allows it (only leading empty lines longer than the first line of text are errors),
    libyaml and Platform.sh read it; ruamel.yaml's pure-Python scanner refuses it ("more
    indented follow up line than first in a block scalar"). `pure.LibyamlScanner` reads it
    as libyaml does."""
    text = (CORPUS / "platformsh-templates__keycloak/.platform.app.yaml").read_text()
    with pytest.raises(ScannerError, match="more indented follow up line than first"):
        _events(_stock_pure(text))
    assert _events(PureSource(text)) == _events(CParser(text))
    assert _events(PureSource("a: |\n \n  x\n")) == _events(CParser("a: |\n \n  x\n"))


def test_pinned_an_empty_value_before_comments_stands_after_its_colon() -> None:
    """`hooks:` with only comments before the next key (5 corpus files, HHMI-HQ's among them):
    libyaml places the empty value right after the `:`, ruamel.yaml's pure-Python parser at
    the next key; `pure.LibyamlParser` places it as libyaml does, where the engine writes a
    value it adds."""
    text = "hooks:\n  # build runs first\nbuild: x\n"
    assert _events(_stock_pure(text))[4] == ("ScalarEvent", 28, 28)
    assert _events(PureSource(text))[4] == _events(CParser(text))[4] == ("ScalarEvent", 6, 6)


def test_pinned_a_document_with_directives_starts_at_its_first_directive() -> None:
    text = "%YAML 1.2\n---\na: 1\n"
    assert _events(_stock_pure(text))[1] == ("DocumentStartEvent", 10, 13)
    assert _events(PureSource(text))[1] == _events(CParser(text))[1] == \
        ("DocumentStartEvent", 0, 13)


@pytest.mark.parametrize("text", [
    "a: {upstream: app:http}\n", "a: [http://x, b:c]\n", "a: [x?y]\n", "a: {b:c}\n",
])
def test_pinned_what_libyaml_0_1_7_refuses_is_read_with_both(
        text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """ruamel.yaml.clib bundles libyaml 0.1.7, which refuses a `:` or `?` inside a plain
    scalar of a flow collection; libyaml since 0.2.2 (and 0.2.5 for `?`), YAML 1.2 and
    ruamel.yaml's pure-Python parser read it, and the engine writes such flow mappings itself
    (a merged route written out). Where the C parser refuses, the pure-Python parser reads the
    text again."""
    with pytest.raises(MarkedYAMLError):
        _events(CParser(text))
    tree = parsed(text, "c", monkeypatch)
    assert tree[0] == "map"
    assert parsed(text, "pure", monkeypatch) == tree


def test_pinned_an_empty_flow_key_is_read_with_both(monkeypatch: pytest.MonkeyPatch) -> None:
    """`{: b}`, a flow mapping entry with an empty key, is YAML 1.2 (the specification's
    example 7.3); libyaml refuses it, ruamel.yaml's pure-Python parser reads it, and so the
    engine reads it with both (then refuses the empty name where a name is needed)."""
    text = "a: {: b}\n"
    with pytest.raises(MarkedYAMLError, match="did not find expected node content"):
        _events(CParser(text))
    assert parsed(text, "c", monkeypatch) == parsed(text, "pure", monkeypatch) == (
        "map", 0, 8, None, None, False,
        [(("scalar", 0, 1, None, None, "a", ""),
          ("map", 3, 8, None, None, True, [(("scalar", 5, 5, None, None, "", ""),
                                            ("scalar", 6, 7, None, None, "b", ""))]))])


@pytest.mark.parametrize(("text", "refusal"), [
    ("a: {b: c:d\n", "f:2:1: did not find expected ',' or '}' (while parsing a flow mapping "
                     "started at line 1)"),
    ("a: [b\n", "f:2:1: did not find expected ',' or ']' (while parsing a flow sequence "
                "started at line 1)"),
])
def test_a_refusal_of_both_parsers_is_the_one_further_in(
        text: str, refusal: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where both refuse, the error is the one of the parser that read further (libyaml 0.1.7
    stops early at `c:d`), in libyaml's words where both stop at the same place."""
    assert parsed(text, "c", monkeypatch) == parsed(text, "pure", monkeypatch) == refusal
