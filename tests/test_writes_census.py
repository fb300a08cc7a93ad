"""Census: which modules may change files on disk.

A write or a removal made outside the checked path (a report written after the repository, a
removal through a link) is how a tool loses or leaks a file. Every call that creates, replaces or removes a
file or folder is listed here per module; a new one anywhere fails this test, so that it is
routed through files.py (one file: created new beside its place, renamed into it), writer.py
(the repository: checked up front, atomic, no links) or outputs.py
(report files: staged before the repository is touched), or added here knowingly.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

WRITES = {"write_text", "write_bytes", "unlink", "rmdir", "mkdir", "replace", "link", "rename",
          "symlink_to", "symlink", "chmod", "rmtree", "copy", "copy2", "copyfile", "copytree",
          "move", "remove", "removedirs", "makedirs", "touch"}
ALLOWED = {
    "migrator/files.py": {"open for writing", "replace", "unlink"},
    "migrator/migration/writer.py": {"mkdir", "replace", "link", "unlink", "rmdir"},
    # and the folders of `bulk --report-dir`, one level at a time, no link followed
    "migrator/report/outputs.py": {"replace", "write_text", "unlink", "chmod", "mkdir"},
    "migrator/upsun/published.py": {"mkdir", "write_bytes", "replace"},  # the user's cache folder
    "migrator/codemod/__init__.py": {"write_text", "replace"},  # codemod --write
    # --commit, after a failure: puts back what writer.py changed (the same paths, checked
    # by it; gitcommit.save keeps no path with a link on its way)
    "migrator/fleet/gitcommit.py": {"chmod", "mkdir", "rmdir", "unlink", "symlink"},
}


def _write_calls(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in WRITES and not _other_meaning(node):
            found.add(node.func.attr)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "open" and any(
                    isinstance(a, ast.Constant) and isinstance(a.value, str) and
                    set(a.value) & set("wax+") for a in node.args[1:2]):
            found.add("open for writing")
    return found


def _other_meaning(call: ast.Call) -> bool:
    """str.replace(a, b), dataclasses.replace(x, ...), list.remove(x), copy(): not file writes.
    Names that mean many things count only on os/shutil, or, for Path.replace, with one
    positional argument and no keywords."""
    assert isinstance(call.func, ast.Attribute)
    receiver, attr = call.func.value, call.func.attr
    on_module = isinstance(receiver, ast.Name) and receiver.id in ("os", "shutil")
    if attr in ("remove", "copy", "copy2", "copyfile", "copytree", "move", "link",
                "makedirs", "removedirs", "rmtree"):
        return not on_module
    if attr == "rename":  # Path.rename(target); the YAML editor's rename(key, text) is no write
        return not on_module and (len(call.args) != 1 or bool(call.keywords))
    if attr == "replace":
        return not on_module and (len(call.args) != 1 or bool(call.keywords) or
                                  isinstance(receiver, ast.Name) and receiver.id == "dataclasses")
    return False


def test_only_the_listed_modules_change_files() -> None:
    census = {}
    for path in sorted((REPO / "migrator").rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        calls = _write_calls(path)
        if calls - ALLOWED.get(rel, set()):
            census[rel] = sorted(calls - ALLOWED.get(rel, set()))
    assert census == {}


def test_the_census_sees_writes_and_not_look_alikes(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("import dataclasses, os, shutil\n"
                      "def f(p, x):\n"
                      "    p.write_text('x')\n    os.replace('a', 'b')\n    p.replace(x)\n"
                      "    shutil.rmtree(p)\n    open(p, 'w')\n    open(p)\n    p.unlink()\n"
                      "    'x'.replace('a', 'b')\n    [].remove(1)\n"
                      "    dataclasses.replace(x, a=1)\n    x.copy()\n"
                      "    editor.rename(key, 'x')\n    p.rename(x)\n", encoding="utf-8")
    assert sorted(_write_calls(source)) == ["open for writing", "rename", "replace", "rmtree",
                                            "unlink", "write_text"]
