"""A node's properties as written: its anchor (`&name`) and its tag (`!!str`, `!include`,
`!e!x`, `!<tag:...>`), in either order, before its content."""

from __future__ import annotations

from migrator.yamltext.document import Document
from migrator.yamltext.nodes import Node
from migrator.yamltext.scalars import CORE

_ANCHOR_END = frozenset(" \t\r\n,[]{}")
_TAG_END = frozenset(" \t\r\n")


def properties(doc: Document, node: Node) -> list[tuple[str, int, int]]:
    """(`&` or `!`, start, end) of each property token of a node, in text order."""
    text, offset, found = doc.text, node.start, []
    while offset < node.end and text[offset] in "&!":
        kind, start = text[offset], offset
        if text.startswith("!<", offset):
            offset = text.index(">", offset) + 1
        else:
            stop = _ANCHOR_END if kind == "&" else _TAG_END
            while offset < node.end and text[offset] not in stop:
                offset += 1
        found.append((kind, start, offset))
        while offset < node.end and text[offset] in " \t\r\n":
            offset += 1
    return found


def properties_end(doc: Document, node: Node) -> int:
    """Just after a node's last property (its start when it has none)."""
    found = properties(doc, node)
    return found[-1][2] if found else node.start


def tag_text(tag: str) -> str:
    """A resolved tag as it reads without `%TAG` directives: `!!str`, `!include`, `!<uri>`."""
    if tag.startswith(CORE):
        return "!!" + tag[len(CORE):]
    if tag.startswith("!"):
        return tag
    return f"!<{tag}>"
