"""Edits on the original text of a file: collected first, applied once in reverse offset order.

This is the pyupgrade / django-upgrade model: rules never regenerate text they are not about,
so every comment, column, quote and line end they do not touch stays as the user wrote it.
"""

from __future__ import annotations

from migrator.record import Record
from migrator.yamltext.nodes import Mapping, Node, Scalar, Sequence
from migrator.yamltext.parse import Document


class EditConflict(Exception):
    """Two edits overlap: a bug in the rules, never the user's input."""


class Edit(Record):
    start: int
    end: int
    text: str


def apply(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits (identical duplicates are applied once)."""
    ordered = sorted(set(edits))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.end > after.start or (before.start == before.end == after.start
                                         == after.end):
            raise EditConflict(f"overlapping edits at offsets {before.start}-{before.end} and "
                               f"{after.start}-{after.end}")
    for edit in reversed(ordered):
        text = text[: edit.start] + edit.text + text[edit.end:]
    return text


def line_start(doc: Document, offset: int) -> int:
    return doc.line_starts[doc.line(offset) - 1]


def line_end(doc: Document, offset: int) -> int:
    """Offset just past the line break of the line holding `offset` (or the end of the text)."""
    index = doc.line(offset)
    return doc.line_starts[index] if index < len(doc.line_starts) else len(doc.text)


def first_on_line(doc: Document, offset: int) -> bool:
    return doc.text[line_start(doc, offset):offset].strip() == ""


def content_start(doc: Document, node: Node) -> int:
    """Where a node's value text starts, after its anchor and tag."""
    text, offset = doc.text, node.start
    while offset < node.end and text[offset] in "&!":
        while offset < node.end and text[offset] not in " \t\n":
            offset += 1
        while offset < node.end and text[offset] in " \t\r\n":
            offset += 1
    return offset


def scalar_spans(doc: Document) -> list[tuple[int, int]]:
    """Spans of every scalar's opaque text (block scalars: their content lines), sorted."""
    spans: list[tuple[int, int]] = []
    stack = [doc.root] if doc.root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, Scalar):
            start = line_end(doc, node.start) if node.style in ("|", ">") else node.start
            spans.append((start, node.end))
        elif isinstance(node, Mapping):
            for key, value in node.pairs:
                stack += [key, value]
        elif isinstance(node, Sequence):
            stack += node.items
    return sorted(spans)


class Comment(Record):
    start: int
    end: int
    text: str
    full_line: bool


def comments(doc: Document, start: int = 0, end: int | None = None) -> list[Comment]:
    """Every comment between two offsets: a `#` at a line start or after a space, outside
    every scalar."""
    from bisect import bisect_right

    found: list[Comment] = []
    text = doc.text
    end = len(text) if end is None else end
    position = text.find("#", start)
    if not 0 <= position < end:
        return found  # no `#` at all: no need to know where the scalars are
    spans = scalar_spans(doc)
    starts = [s for s, _ in spans]
    while 0 <= position < end:
        index = bisect_right(starts, position) - 1
        inside = index >= 0 and spans[index][0] <= position < spans[index][1]
        if not inside and (position == 0 or text[position - 1] in " \t\n"):
            stop = text.find("\n", position)
            stop = len(text) if stop < 0 else stop
            body = text[position:stop].rstrip("\r")
            found.append(Comment(position, position + len(body), body,
                                 first_on_line(doc, position)))
            position = text.find("#", stop)
            continue
        position = text.find("#", position + 1)
    return found
