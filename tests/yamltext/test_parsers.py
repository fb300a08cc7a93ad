"""libyaml and PyYAML's pure-Python parser build the same trees and the same migrations.

The engine parses with libyaml where the wheel has it and falls back to the pure-Python port
(`UPSUN_MIGRATOR_YAML=pure`). Differential testing, as for any pair of implementations of one
contract: every corpus file gives identical trees (spans included), and every corpus project
gives a byte-identical `.upsun/config.yaml` or the same one-line error.
"""

from __future__ import annotations

import os
import subprocess
import sys
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
    for project_id in IDS:
        monkeypatch.setenv("UPSUN_MIGRATOR_YAML", "c")
        with_c = _outcome(CORPUS / project_id)
        monkeypatch.setenv("UPSUN_MIGRATOR_YAML", "pure")
        assert _outcome(CORPUS / project_id) == with_c, project_id
    assert os.environ["UPSUN_MIGRATOR_YAML"] == "pure"


BINDING_ALONE = """
import sys
from migrator.yamltext import parse
assert parse.parser_name() == "c"
parse.parse("a: [1, 2]\\n", "f")
print(sorted(name for name in sys.modules if name.startswith("yaml")))
import yaml
print(yaml.safe_load("b: 2"), yaml.load("c: 3", Loader=yaml.CSafeLoader), yaml.__with_libyaml__)
try:
    parse.parse("a: [", "f")
except Exception as error:
    print(type(error).__name__, error)
"""


def test_libyaml_is_imported_without_the_pure_python_package() -> None:
    """PyYAML's reader, resolver and constructor (10 ms of regular expressions, datetime and
    base64) stay out of a libyaml run; `import yaml` afterwards still gets all of PyYAML."""
    env = {k: v for k, v in os.environ.items() if k != "UPSUN_MIGRATOR_YAML"}
    result = subprocess.run([sys.executable, "-c", BINDING_ALONE], capture_output=True,
                            text=True, env=env, check=True)
    assert result.stdout.splitlines() == [
        "['yaml', 'yaml._yaml', 'yaml.error', 'yaml.events', 'yaml.nodes', 'yaml.tokens']",
        "{'b': 2} {'c': 3} True",
        "InputError f:2:1: did not find expected node content",
    ]


@pytest.mark.parametrize("mode", ["c", "pure"])
def test_a_control_character_is_located_alike(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """libyaml counts a reader error's position in bytes, the pure-Python reader in characters;
    both point at the character."""
    assert parsed("a: \u00e9\u20ac\U0001f600\x07\n", mode, monkeypatch) == (
        "f:1:7: character U+0007 is not allowed in YAML (write it as an escape in a "
        "double-quoted string)")


def _fake_pyyaml(root: Path, binding: str) -> None:
    """A PyYAML stand-in whose binding is the Python module `binding`."""
    package = root / "yaml"
    package.mkdir()
    (package / "__init__.py").write_text("from .error import *\nfrom . import reader\nRAN = 1\n")
    (package / "error.py").write_text(
        "class YAMLError(Exception): pass\nclass MarkedYAMLError(YAMLError): pass\n")
    for name, (error, _) in yamlparse._STANDING_IN.items():
        (package / f"{name}.py").write_text(
            f"from .error import YAMLError\nclass {error}(YAMLError): pass\nLATER = 1\n")
    for name in yamlparse._LIGHT:
        (package / f"{name}.py").write_text("")
    (package / "_yaml.py").write_text(f"import yaml\n{binding}\nclass CParser: pass\n")


LOOK_UP = """
import sys
from migrator.yamltext import parse
print(parse._libyaml_parser().__module__, "RAN" in vars(sys.modules["yaml"]))
import yaml
print(yaml.RAN, yaml.reader.LATER)
"""


@pytest.mark.parametrize(("binding", "ran"), [
    ("ERROR = yaml.reader.ReaderError", "False"),  # what PyYAML's binding reads: no __init__
    ("MORE = yaml.reader.LATER", "True"),  # a binding that reads more: the usual import
])
def test_the_binding_alone_or_the_usual_import(binding: str, ran: str, tmp_path: Path) -> None:
    _fake_pyyaml(tmp_path, binding)
    env = {k: v for k, v in os.environ.items() if k != "UPSUN_MIGRATOR_YAML"}
    result = subprocess.run([sys.executable, "-c", LOOK_UP], capture_output=True, text=True,
                            env=dict(env, PYTHONPATH=str(tmp_path)), check=True)
    assert result.stdout.splitlines() == [f"yaml._yaml {ran}", "1 1"]


THREADS = """
import sys, threading
from migrator.yamltext import parse
parse.parse("a: 1\\n", "f")
import yaml
barrier, failures, loaded = threading.Barrier(8), [], []

def load():
    barrier.wait()
    try:
        loaded.append(yaml.safe_load("b: 2"))
    except Exception as error:
        failures.append(repr(error))

threads = [threading.Thread(target=load) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(failures, loaded.count({"b": 2}))
"""


def test_threads_waiting_for_pyyaml_get_all_of_it() -> None:
    """The first to ask runs PyYAML's __init__; the others wait for it, as for an import."""
    env = {k: v for k, v in os.environ.items() if k != "UPSUN_MIGRATOR_YAML"}
    for _ in range(3):
        result = subprocess.run([sys.executable, "-c", THREADS], capture_output=True, text=True,
                                env=env, check=True)
        assert result.stdout == "[] 8\n"


def test_parsing_goes_on_after_pyyaml_is_imported_anew(monkeypatch: pytest.MonkeyPatch) -> None:
    """The composer reads events by their class names: a PyYAML imported again (its modules
    removed from sys.modules) builds events of new classes."""
    monkeypatch.setenv("UPSUN_MIGRATOR_YAML", "c")
    before = parsed("a: [1, {b: c}]\n", "c", monkeypatch)
    for name in [n for n in sys.modules if n == "yaml" or n.startswith("yaml.")]:
        monkeypatch.delitem(sys.modules, name)
    import yaml  # noqa: F401 - the new modules

    assert parsed("a: [1, {b: c}]\n", "c", monkeypatch) == before
