"""Edits on the original text of a file: collected first, applied once, in one pass.

This is the pyupgrade / django-upgrade model: rules never regenerate text they are not about,
so every comment, column, quote and line end they do not touch stays as the user wrote it.

An edit's text may copy spans of the original text (`Copy`), which are written with the edits
made inside them applied: a rule that writes merged entries out, or moves a value, carries
what other rules changed inside it. An edit inside a span another edit replaces is moot
(the text it changed is gone, unless copied); edits that overlap otherwise are a bug.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import accumulate
from typing import NamedTuple

from migrator.yamltext.document import Document
from migrator.yamltext.nodes import Mapping, Node, Scalar, Sequence, written

_MAX_COPY_DEPTH = 64


class EditConflict(Exception):
    """Two edits overlap: a bug in the rules, never the user's input."""


class Copy(NamedTuple):
    """Original text [start, end) with the edits inside it applied; every line after its
    first (every line, with `whole_lines`) moved right by `shift` columns (left when
    negative: only spaces are taken away)."""

    start: int
    end: int
    shift: int = 0
    whole_lines: bool = False


class Edit(NamedTuple):
    """Replace [start, end) by `text`: a string, or pieces of strings and copies.
    `in_place`: applied where it was made only, not in copies of the text around it."""

    start: int
    end: int
    text: str | tuple[str | Copy, ...]
    in_place: bool = False


def apply(text: str, edits: Iterable[Edit]) -> str:
    """Apply the edits (identical duplicates once; several insertions at one offset are a
    conflict: merge them first); a copy renders the edits inside its span."""
    ordered = sorted(set(edits), key=_order)
    return _Renderer(text, ordered).render(0, len(text), 0)


def rendered(text: str, edits: Iterable[Edit], start: int, end: int) -> str:
    """Text [start, end) with the edits inside it applied."""
    return _Renderer(text, sorted(set(edits), key=_order)).render(start, end, 0)


def outermost_edits(text: str, edits: Iterable[Edit]) -> list[Edit]:
    """The edits no other edit contains: those that are applied where they were made."""
    ordered = sorted(set(edits), key=_order)
    return _Renderer(text, ordered).outermost(0, len(text))


def _order(edit: Edit) -> tuple[int, int]:
    return edit.start, -edit.end


class _Renderer:
    def __init__(self, text: str, ordered: list[Edit]) -> None:
        self.text, self.edits = text, ordered
        self.starts = [edit.start for edit in ordered]
        self.reach = list(accumulate((edit.end for edit in ordered), max))  # max end so far

    def render(self, start: int, end: int, depth: int, copier: Edit | None = None) -> str:
        """[start, end) with the edits inside applied (`copier`, the edit whose text copies
        this span, left out)."""
        if depth > _MAX_COPY_DEPTH:
            raise EditConflict(f"a copy of offsets {start}-{end} contains itself")
        pieces: list[str] = []
        position = start
        for edit in self.outermost(start, end, copier):
            pieces.append(self.text[position:edit.start])
            pieces.append(self.piece(edit, depth))
            position = max(position, edit.end)
        pieces.append(self.text[position:end])
        return "".join(pieces)

    def outermost(self, start: int, end: int, copier: Edit | None = None) -> list[Edit]:
        """The edits inside [start, end) that no other edit there contains, in text order
        (an insertion at an edit's start goes before it, at its end after it). A copy leaves
        out insertions at its own bounds: they stay where they were made."""
        whole = (start, end) == (0, len(self.text))
        first = bisect_left(self.starts, start)
        if not whole:
            self._entering(first, start, end)
        found: list[Edit] = []
        outer: Edit | None = None
        for edit in self.edits[first:bisect_right(self.starts, end)]:
            if edit.end > end:
                if start < edit.start < end:
                    raise EditConflict(f"an edit of offsets {edit.start}-{edit.end} crosses "
                                       f"the end of a copy of {start}-{end}")
                continue  # it contains the copied span, or starts where the span ends
            if edit is copier or (not whole and (edit.in_place or edit.start == edit.end
                                                 and edit.start in (start, end))):
                continue  # the edit that copies the span, or one not for copies
            if outer is not None and edit.start < outer.end:
                if edit.end > outer.end:
                    raise EditConflict(f"overlapping edits at offsets {outer.start}-"
                                       f"{outer.end} and {edit.start}-{edit.end}")
                if (edit.start, edit.end) == (outer.start, outer.end):
                    raise EditConflict(f"two edits of offsets {edit.start}-{edit.end}")
                if edit.start > outer.start or edit.end > edit.start:
                    continue  # inside a span that is replaced: moot
            if found and found[-1].start == found[-1].end == edit.start == edit.end:
                raise EditConflict(f"two insertions at offset {edit.start}")
            found.append(edit)
            if edit.end > edit.start:
                outer = edit
        return sorted(found, key=lambda edit: (edit.start, edit.end))

    def _entering(self, first: int, start: int, end: int) -> None:
        """An edit that starts before a copied span and ends inside it is a conflict (one that
        holds the whole span is not: the span is copied from a removed part)."""
        index = first - 1
        while index >= 0 and self.reach[index] > start:
            edit = self.edits[index]
            if edit.start < start < edit.end < end:
                raise EditConflict(f"an edit of offsets {edit.start}-{edit.end} crosses the "
                                   f"start of a copy of {start}-{end}")
            index -= 1

    def piece(self, edit: Edit, depth: int) -> str:
        if isinstance(edit.text, str):
            return edit.text
        out: list[str] = []
        for part in edit.text:
            if isinstance(part, str):
                out.append(part)
            else:
                text = self.render(part.start, part.end, depth + 1, edit)
                out.append(shifted(text, part.shift, part.whole_lines))
        return "".join(out)


def shifted(text: str, shift: int, whole_lines: bool = False) -> str:
    """Every line after the first (every line, with `whole_lines`) moved `shift` columns;
    blank lines stay as they are."""
    if not shift or ("\n" not in text and not whole_lines):
        return text
    lines = text.split("\n")
    head, rest = ([], lines) if whole_lines else (lines[:1], lines[1:])
    if shift > 0:
        pad = " " * shift
        return "\n".join(head + [pad + line if line else line for line in rest])
    return "\n".join(head + [line[min(-shift, len(line) - len(line.lstrip(" "))):]
                             for line in rest])


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


def scalar_spans(doc: Document) -> tuple[list[int], list[tuple[int, int]]]:
    """Spans of every scalar's opaque text (block scalars: their content lines), sorted, and
    their starts; computed once per document."""
    if doc.spans is None:
        spans: list[tuple[int, int]] = []
        for node in written(doc.root):
            if isinstance(node, Scalar):
                start = line_end(doc, node.start) if node.style in ("|", ">") else node.start
                spans.append((start, node.end))
        spans.sort()
        doc.spans = ([start for start, _ in spans], spans)
    return doc.spans


def parent_of(doc: Document, node: Node) -> Node | None:
    """The mapping or sequence that holds a node (a key or a value), None for the root."""
    if doc.parents is None:
        parents: dict[Node, Node] = {}
        stack = [doc.root] if doc.root is not None else []
        while stack:
            current = stack.pop()
            if isinstance(current, Mapping):
                for key, value in current.pairs:
                    parents[key] = parents[value] = current
                    stack.append(value)
            elif isinstance(current, Sequence):
                for item in current.items:
                    parents[item] = current
                    stack.append(item)
        doc.parents = parents
    return doc.parents.get(node)


class Comment(NamedTuple):
    start: int
    end: int
    text: str
    full_line: bool


def comments(doc: Document, start: int = 0, end: int | None = None) -> list[Comment]:
    """Every comment between two offsets: a `#` at a line start or after a space, outside
    every scalar."""
    found: list[Comment] = []
    text = doc.text
    end = len(text) if end is None else end
    position = text.find("#", start, end)
    if position < 0:
        return found  # no `#` at all: no need to know where the scalars are
    starts, spans = scalar_spans(doc)
    while position >= 0:
        index = bisect_right(starts, position) - 1
        inside = index >= 0 and spans[index][0] <= position < spans[index][1]
        if not inside and (position == 0 or text[position - 1] in " \t\n"):
            stop = text.find("\n", position)
            stop = len(text) if stop < 0 else stop
            body = text[position:stop].rstrip("\r")
            found.append(Comment(position, position + len(body), body,
                                 first_on_line(doc, position)))
            position = text.find("#", stop, end)
            continue
        position = text.find("#", position + 1, end)
    return found
