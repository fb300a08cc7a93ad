"""Editor: the edits rules make on one file, in the terms rules think in (replace a value,
remove an entry leaving comment lines in its place, rename a key, insert lines).

What cannot be expressed safely raises RefusedError with file:line; overlapping edits are a
bug (EditConflict).
"""

from __future__ import annotations

from migrator.errors import RefusedError
from migrator.escape import comment
from migrator.record import Record
from migrator.yamltext.edits import (
    Edit,
    apply,
    comments,
    content_start,
    first_on_line,
    line_end,
    line_start,
)
from migrator.yamltext.nodes import Mapping, Node, Scalar, Sequence, resolve
from migrator.yamltext.parse import Document


class Removed(Record):
    """What a removal left: the entry's own end-of-line comment, and every comment it held."""

    own_comment: str | None
    comments: tuple[str, ...]


class Editor:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.edits: list[Edit] = []
        self.before_lines: dict[int, list[str]] = {}  # line start -> lines inserted there
        self.removed: set[Node] = set()

    # --- reading ------------------------------------------------------------------
    def text(self, node: Node) -> str:
        return self.doc.text[content_start(self.doc, node):node.end]

    def column(self, node: Node) -> int:
        return self.doc.column(node.start)

    def indent_of_line(self, offset: int) -> int:
        start = line_start(self.doc, offset)
        line = self.doc.text[start:line_end(self.doc, offset)]
        return len(line) - len(line.lstrip(" "))

    def refuse(self, message: str, node: Node) -> RefusedError:
        return RefusedError(message, self.doc.file, self.doc.line(node.start),
                            self.doc.column(node.start) + 1)

    # --- editing ------------------------------------------------------------------
    def replace(self, node: Node, text: str) -> None:
        """Replace a value's text; comments inside it (a block scalar's header) follow it."""
        start = content_start(self.doc, node)
        found = comments(self.doc, start, node.end) if "\n" in self.doc.text[start:node.end] \
            else []
        if found and "\n" not in text:
            text += "  " + "  ".join(c.text for c in found)
        self.edits.append(Edit(start, node.end, text))

    def replace_span(self, start: int, end: int, text: str) -> None:
        """Replace exact characters inside a value (a word of a command)."""
        self.edits.append(Edit(start, end, text))

    def replace_key(self, key: Scalar, text: str) -> None:
        self.edits.append(Edit(key.start, key.end, text))

    def insert(self, offset: int, text: str) -> None:
        self.edits.append(Edit(offset, offset, text))

    def lines_before(self, offset: int, lines: list[str], column: int | None = None) -> None:
        """Whole lines inserted before the line holding `offset`, at `column` (default: that
        line's indentation)."""
        start = line_start(self.doc, offset)
        pad = " " * (self.indent_of_line(offset) if column is None else column)
        self.before_lines.setdefault(start, []).extend(pad + line + "\n" for line in lines)

    def comments_before(self, offset: int, bodies: list[str], column: int | None = None) -> None:
        """Comment lines (`bodies`, without `#`) before the line holding `offset`. Each body is
        made one line of characters YAML allows: a name or value quoted in it may hold
        anything."""
        self.lines_before(offset, [f"# {comment(body)}" for body in bodies], column)

    def remove(self, mapping: Mapping, key: str, lines: list[str] | None = None,
               entries: list[str] | None = None) -> Removed:
        """Remove an own entry of `mapping`; `lines` (comments, without `#`, made one line of
        characters YAML allows) take its place, then `entries` (`key: value` lines of the same
        mapping; block mappings only)."""
        entry = mapping.own(key)
        assert entry is not None, key
        assert not (entries and mapping.flow), "entries go in block mappings only"
        return self.remove_entry(mapping, entry, lines, entries)

    def remove_entry(self, mapping: Mapping, entry: tuple[Scalar, Node],
                     lines: list[str] | None = None, entries: list[str] | None = None
                     ) -> Removed:
        self.removed.add(entry[0])
        if mapping.flow:
            return self._remove_flow(mapping, entry, lines or [])
        return self._remove_block(entry, lines or [], entries or [])

    def _remove_block(self, entry: tuple[Scalar, Node], lines: list[str],
                      entries: list[str]) -> Removed:
        key, value = entry
        if not first_on_line(self.doc, key.start):
            raise self.refuse(f"cannot remove `{key.value}` written on the same line as a "
                              "list dash or another key; put it on a line of its own", key)
        start = line_start(self.doc, key.start)
        last = max(key.end, value.end if value.end > value.start else key.end)
        end = line_end(self.doc, last - 1)
        found = comments(self.doc, start, end)
        own = next((c.text for c in found if not c.full_line
                    and self.doc.line(c.start) in (self.doc.line(key.start),
                                                   self.doc.line(last - 1))), None)
        pad = " " * self.doc.column(key.start)
        text = "".join(f"{pad}# {comment(line)}\n" for line in lines)
        text += "".join(f"{pad}{c.text}\n" for c in found)
        text += "".join(f"{pad}{line}\n" for line in entries)
        if not text and self._blank_before(start) and self.doc.text[end:end + 1] == "\n":
            end += 1  # no double blank line (or a blank first line) where the entry was
        self.edits.append(Edit(start, end, text))
        return Removed(own, tuple(c.text for c in found))

    def _blank_before(self, start: int) -> bool:
        return start == 0 or self.doc.text[max(0, start - 2):start] in ("\n\n",) or \
            self.doc.text[:start].strip() == ""

    def _remove_flow(self, mapping: Mapping, entry: tuple[Scalar, Node],
                     lines: list[str]) -> Removed:
        pairs = mapping.pairs
        index = next(i for i, pair in enumerate(pairs) if pair[0] is entry[0])
        value_end = max(entry[0].end, entry[1].end)
        if len(pairs) == 1:
            start, end = entry[0].start, value_end
        elif index < len(pairs) - 1:
            start, end = entry[0].start, pairs[index + 1][0].start
        else:
            previous = pairs[index - 1]
            start, end = max(previous[0].end, previous[1].end), value_end
        found = comments(self.doc, start, end)
        self.edits.append(Edit(start, end, ""))
        outer = outermost_flow(self.doc, mapping)
        self.lines_before(outer.start, [f"# {comment(line)}" for line in lines]
                          + [c.text for c in found])
        return Removed(None, tuple(c.text for c in found))

    def emptied(self, node: Mapping) -> None:
        """Every entry of a block mapping is removed: it is written `{}` (not a null)."""
        parent = _entry_holding(self.doc, node)
        if parent is None:
            raise self.refuse("every entry of this mapping would be removed", node)
        colon = self.doc.text.index(":", parent.end)
        self.insert(colon + 1, " {}")

    def result(self) -> str:
        edits = self.edits + [Edit(offset, offset, "".join(lines))
                              for offset, lines in self.before_lines.items()]
        return apply(self.doc.text, _merge_inserts(edits))

    def edited_lines(self) -> set[int]:
        """1-based lines of the original text that an edit touches."""
        touched: set[int] = set()
        for edit in self.edits:
            last = edit.end - 1 if edit.end > edit.start else edit.start
            touched.update(range(self.doc.line(edit.start), self.doc.line(last) + 1))
        return touched


def _merge_inserts(edits: list[Edit]) -> list[Edit]:
    """Several insertions at one offset become one, in the order they were made."""
    merged: dict[int, Edit] = {}
    rest = []
    for edit in edits:
        if edit.start == edit.end:
            known = merged.get(edit.start)
            merged[edit.start] = Edit(edit.start, edit.end,
                                      (known.text if known else "") + edit.text)
        else:
            rest.append(edit)
    return rest + list(merged.values())


def _entry_holding(doc: Document, node: Node) -> Scalar | None:
    """The key whose value is `node`, None for the root or a list item."""
    stack = [doc.root] if doc.root is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, Mapping):
            for key, value in current.pairs:
                if value is node:
                    return key
                stack.append(value)
        elif isinstance(current, Sequence):
            stack += current.items
    return None


def outermost_flow(doc: Document, node: Node) -> Node:
    """The outermost flow collection that contains `node` (itself when none does)."""
    stack: list[tuple[Node, Node | None]] = [(doc.root, None)] if doc.root is not None else []
    while stack:
        current, outer = stack.pop()
        flow = isinstance(current, (Mapping, Sequence)) and current.flow
        outer = outer if outer is not None else (current if flow else None)
        if current is node:
            return outer if outer is not None else node
        if isinstance(current, Mapping):
            stack += [(value, outer) for _, value in current.pairs]
        elif isinstance(current, Sequence):
            stack += [(item, outer) for item in current.items]
    return resolve(node)


def reindent(text: str, shift: int) -> str:
    """Every line after the first moved right by `shift` columns (empty lines stay empty)."""
    lines = text.split("\n")
    return "\n".join([lines[0]] + [(" " * shift + line) if line else line
                                   for line in lines[1:]])
