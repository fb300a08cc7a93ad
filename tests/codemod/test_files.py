"""Files as Python reads them and as their authors wrote them: line endings kept (CRLF stays
CRLF, the diff shows only the changed lines), PEP 263 coding headers honoured on reading and
writing, and findings about a whole file placed on a real line, never line 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.codemod import compat
from tests.conftest import run

CRLF = b"import os\r\nfrom platformshconfig import Config\r\n\r\nconfig = Config()\r\n" \
    b"X = 1\r\nB = config.branch\r\n"
LATIN1 = b"# -*- coding: latin-1 -*-\nimport os\nfrom platformshconfig import Config\n\n" \
    b"config = Config()\nN = \"caf\xe9\"\nB = config.branch\n"


@pytest.fixture(autouse=True)
def _in_the_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests run in `app`, the repository (paths shown relative to it)."""
    (tmp_path / "app").mkdir()
    monkeypatch.chdir(tmp_path / "app")


def _write(root: Path, name: str, data: bytes) -> Path:
    root.mkdir(exist_ok=True)
    path = root / name
    path.write_bytes(data)
    return path


def test_crlf_line_endings_are_kept(tmp_path: Path) -> None:
    path = _write(tmp_path / "app", "s.py", CRLF)
    done = run("codemod", "--write", path.parent)
    assert done.exit_code == 0, done.stdout
    assert path.read_bytes() == b"import os\r\n\r\nX = 1\r\n" \
        b"B = os.environ[\"PLATFORM_BRANCH\"]\r\n"


def test_crlf_diff_shows_only_the_changed_lines(tmp_path: Path) -> None:
    path = _write(tmp_path / "app", "s.py", CRLF)
    done = run("codemod", "--diff", path.parent)
    assert done.exit_code == 1
    assert done.stdout.encode() == (  # exactly the text written: no newline translation
        b"--- a/s.py\n+++ b/s.py\n@@ -1,6 +1,4 @@\n import os\r\n"
        b"-from platformshconfig import Config\r\n \r\n-config = Config()\r\n X = 1\r\n"
        b"-B = config.branch\r\n+B = os.environ[\"PLATFORM_BRANCH\"]\r\n")
    assert path.read_bytes() == CRLF


def test_an_added_import_takes_the_files_line_ending(tmp_path: Path) -> None:
    path = _write(tmp_path / "app", "s.py", CRLF.replace(b"import os\r\n", b""))
    assert run("codemod", "--write", path.parent).exit_code == 0
    assert path.read_bytes() == b"import os\r\n\r\nX = 1\r\nB = os.environ[\"PLATFORM_BRANCH\"]\r\n"


def test_a_coding_header_is_honoured_and_the_file_written_in_its_encoding(tmp_path: Path
                                                                          ) -> None:
    path = _write(tmp_path / "app", "s.py", LATIN1)
    done = run("codemod", "--write", path.parent)
    assert done.stdout == (
        "s.py:3:1: UPS141 info [rewritten] platformshconfig import no longer used: removed\n"
        "s.py:7:5: UPS101 info [rewritten] config.branch -> os.environ[\"PLATFORM_BRANCH\"]\n"
        "2 finding(s), 2 rewritten, in 1 file(s)\n")
    assert path.read_bytes() == b"# -*- coding: latin-1 -*-\nimport os\n\nN = \"caf\xe9\"\n" \
        b"B = os.environ[\"PLATFORM_BRANCH\"]\n"


def test_a_byte_order_mark_is_kept(tmp_path: Path) -> None:
    bom = b"\xef\xbb\xbf"
    path = _write(tmp_path / "app", "s.py", bom + CRLF)
    assert run("codemod", "--write", path.parent).exit_code == 0
    assert path.read_bytes() == bom + b"import os\r\n\r\nX = 1\r\n" \
        b"B = os.environ[\"PLATFORM_BRANCH\"]\r\n"


def test_undecodable_bytes_are_reported_where_they_are(tmp_path: Path) -> None:
    path = _write(tmp_path / "app", "s.py", b"import os\nPLATFORM = 1\nN = 'caf\xe9'\n")
    done = run("codemod", path.parent)
    assert done.stdout == (
        "s.py:3:9: UPS199 warning [reported] unreadable: 'utf-8' codec can't decode byte 0xe9 "
        "in position 31: invalid continuation byte\n"
        "1 finding(s), 0 would be rewritten, in 0 file(s)\n")
    assert path.read_bytes() == b"import os\nPLATFORM = 1\nN = 'caf\xe9'\n"


def test_an_unknown_coding_is_reported_on_line_1(tmp_path: Path) -> None:
    path = _write(tmp_path / "app", "s.py", b"# coding: nosuch\nPLATFORM = 1\n")
    done = run("codemod", path.parent)
    assert done.stdout == (
        "s.py:1:1: UPS199 warning [reported] unreadable: unknown encoding: nosuch\n"
        "1 finding(s), 0 would be rewritten, in 0 file(s)\n")


def test_a_rewrite_that_would_break_is_reported_on_line_1(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compat, "breaks", lambda old, new, filename: "it would not compile")
    path = _write(tmp_path / "app", "s.py", CRLF)
    done = run("codemod", "--write", path.parent)
    assert done.stdout == (
        "s.py:1:1: UPS199 warning [reported] not rewritten: it would not compile\n"
        "s.py:2:1: UPS141 info [reported] platformshconfig import no longer used: removed\n"
        "s.py:6:5: UPS101 info [reported] config.branch -> os.environ[\"PLATFORM_BRANCH\"]\n"
        "3 finding(s), 0 rewritten, in 0 file(s)\n")
    assert path.read_bytes() == CRLF


def test_a_setup_py_in_its_own_encoding_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "app", "setup.py", b"# coding: latin-1\n# Jos\xe9\n"
                  b"install_requires = ['platformshconfig']\n")
    done = run("codemod", path.parent)
    assert done.stdout == (
        "setup.py:3:1: UPS141 info [reported] platformshconfig dependency: remove it once no "
        "code imports the library\n1 finding(s), 0 would be rewritten, in 0 file(s)\n")
