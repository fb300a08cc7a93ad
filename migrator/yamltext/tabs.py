"""Tabs where YAML reads them as spaces, read alike by libyaml and the pure-Python parser.

libyaml reads a tab as a space in a flow collection, after a value on its line, and before a
comment or the end of a line; ruamel.yaml's pure-Python parser reads some of them and stops at
others (at the tab, or at the token after it). With that parser, such a tab is read as a space
and the file parsed again (`separating_tab`), and a plain scalar holding one gets the value
libyaml gives it (`restore_tabs`). A tab in a block scalar's indentation, which libyaml refuses
and the pure-Python parser reads as text, is refused with both
(`refuse_tabs_in_block_indentation`). Only error marks and the scanner's state are read.
"""

from __future__ import annotations

from typing import Any

from migrator.errors import InputError
from migrator.yamltext.document import Document
from migrator.yamltext.nodes import Node, Scalar, written

TAB = "tab character where YAML expects spaces"

#: Tabs the pure-Python parser may stop at, each costing one more parse of the file.
MAX_TABS = 200


def stopped_tab(exc: Any, text: str) -> int | None:
    """The offset of the tab a parser stopped at: at its error's mark, or the last tab among the
    spaces and tabs just before it on its line (ruamel.yaml's pure-Python scanner passes over a
    tab there, and the parser then stops at the token after it)."""
    mark = exc.problem_mark
    if mark is None or not 0 <= mark.index < len(text):
        return None
    if text[mark.index] == "\t":
        return int(mark.index)
    line = text.rfind("\n", 0, mark.index) + 1
    blank = len(text[line:mark.index].rstrip(" \t")) + line
    tab = text.rfind("\t", blank, mark.index)
    return tab if tab >= 0 else None


def separating_tab(scanner: Any, exc: Any, text: str) -> int | None:
    """The offset of the tab a pure-Python parser stopped at where libyaml reads it as a
    space. libyaml's rule (`yaml_parser_scan_to_next_token`): a tab separates in a flow
    collection, and where no simple key may start (after a value on its line); the pure
    scanner, whose state is read here, keeps the same state. Trailing tabs (before
    the end of the line or a comment) separate too, after a block scalar's indicator as well.
    A tab opening a line that continues a plain scalar is left to fail, as libyaml does in a
    flow collection."""
    found = stopped_tab(exc, text)
    if scanner is None or found is None:
        return None
    tab: int = found
    line = text.rfind("\n", 0, tab) + 1
    leading = text[line:tab].strip(" \t") == ""
    rest = text[tab:text.find("\n", tab) if "\n" in text[tab:] else len(text)].lstrip(" \t")
    if not leading and (rest == "" or rest.startswith("#")):
        return tab
    if getattr(scanner, "flow_level", 0):
        return tab if not leading or not _continues_scalar(text, line) else None
    return tab if not leading and not getattr(scanner, "allow_simple_key", True) else None


def _continues_scalar(text: str, line: int) -> bool:
    """Whether the line starting at `line` may continue a plain scalar of a flow collection:
    the last line of code before it ends with a value (no indicator, no comment after it)."""
    for previous in reversed(text[:line].split("\n")):
        code, _, comment = previous.partition(" #")
        if not code.strip(" \t") or code.lstrip(" \t").startswith("#"):
            continue
        return not comment and not code.rstrip(" \t").endswith((",", "[", "{", ":"))
    return False


def refuse_tabs_in_block_indentation(document: Document) -> None:
    """A tab among the spaces that indent a block scalar's lines: libyaml refuses it (`found
    a tab character where an indentation space is expected`), the pure-Python parser read it
    as text; refused with both."""
    text = document.text
    for node in written(document.root):
        if isinstance(node, Scalar) and node.style in ("|", ">") \
                and "\t" in text[node.start:node.end]:
            offset = _tab_in_indentation(text, node)
            if offset is not None:
                line = text.count("\n", 0, offset) + 1
                raise InputError(TAB, document.file, line,
                                 offset - text.rfind("\n", 0, offset))


def _tab_in_indentation(text: str, node: Node) -> int | None:
    """The offset of a tab within the indentation of a block scalar's lines (the first
    line's spaces set it, unless the header gives it), or None."""
    lines = text[node.start:node.end].split("\n")
    offset = node.start + len(lines[0]) + 1
    header = lines[0].split("#")[0]
    indent = None if not any(c.isdigit() for c in header) else -1
    for line in lines[1:]:
        spaces = len(line) - len(line.lstrip(" "))
        if indent is None and line.strip(" "):
            if line[spaces:spaces + 1] == "\t":
                return offset + spaces
            indent = spaces
        elif indent is not None and indent >= 0 and line[spaces:spaces + 1] == "\t" \
                and spaces < indent:
            return offset + spaces
        offset += len(line) + 1
    return None


def restore_tabs(document: Document, tabs: list[int]) -> None:
    """A plain scalar that holds a tab read as a space gets libyaml's value: its text folded
    (lines stripped of spaces and tabs, joined by a space, an empty line a line break)."""
    positions = sorted(tabs)
    for node in written(document.root):
        if isinstance(node, Scalar) and node.style == "" and any(
                node.start <= tab < node.end for tab in positions):
            node.value = _folded(document.text[_content(document.text, node):node.end])


def _content(text: str, node: Node) -> int:
    """Where a scalar's text starts, after its anchor and tag."""
    offset = node.start
    while offset < node.end and text[offset] in "&!":
        while offset < node.end and text[offset] not in " \t\n":
            offset += 1
        while offset < node.end and text[offset] in " \t\n":
            offset += 1
    return offset


def _folded(text: str) -> str:
    """A plain scalar's value from its text: each line stripped, lines joined by a space, or
    by line breaks where empty lines stood between them."""
    lines = [line.strip(" \t") for line in text.split("\n")]
    value, breaks = lines[0], 0
    for line in lines[1:]:
        if not line:
            breaks += 1
            continue
        value += ("\n" * breaks if breaks else " ") + line
        breaks = 0
    return value
