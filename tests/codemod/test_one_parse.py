"""Each analysed file is parsed once and its metadata computed once, whatever is found in it
and whether or not it is rewritten (the rewrite is checked on the trees in hand)."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import libcst
import pytest
from libcst.metadata import MetadataWrapper
from libcst.metadata.base_provider import BaseMetadataProvider

import migrator.codemod
from migrator.codemod import CodeOptions, run
from tests.conftest import TESTS

APPS = TESTS / "fixtures" / "code"


class InProcess:
    """`isolated.Isolated` without the child process, so that the counters see the work."""

    def __init__(self, analyse: Callable[..., Any], timeout: float | None = None) -> None:
        self.analyse = analyse

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        pass

    def run(self, rel: str, *args: object) -> Any:
        return self.analyse(rel, *args)


def _counting(monkeypatch: pytest.MonkeyPatch, counts: Counter[str], owner: Any, name: str,
              key: Callable[..., str]) -> None:
    original = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        counts[key(*args)] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)


@pytest.mark.parametrize("options", [CodeOptions(), CodeOptions(True, True)],
                         ids=["check", "every-rewrite"])
def test_each_analysed_file_is_parsed_once_and_its_metadata_computed_once(
        options: CodeOptions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(APPS, tmp_path / "apps")
    (tmp_path / "apps" / "broken.py").write_text("import platformshconfig\nx = (\n")
    counts: Counter[str] = Counter()
    monkeypatch.setattr(migrator.codemod, "Isolated", InProcess)
    _counting(monkeypatch, counts, libcst, "parse_module", lambda *_: "parse_module")
    _counting(monkeypatch, counts, MetadataWrapper, "__init__", lambda *_: "MetadataWrapper")
    _counting(monkeypatch, counts, BaseMetadataProvider, "__init__",
              lambda provider, *_: type(provider).__name__)
    done = run(tmp_path, options)
    assert len(done.analysed) == 10
    assert sum(f.code == "UPS199" and f.file == "apps/broken.py" for f in done.findings) == 1
    # rewritten files (their rewrite checked) and files left as they are, both counted
    assert len(done.changes) == (5 if options == CodeOptions() else 9)
    assert counts.pop("parse_module") == 10  # the file that does not parse too
    parsed = 10 - 1  # metadata for the 9 files that parse
    assert counts == {"MetadataWrapper": parsed, "ParentNodeProvider": parsed,
                      "PositionProvider": parsed, "ScopeProvider": parsed,
                      "QualifiedNameProvider": parsed, "ExpressionContextProvider": parsed}
