"""Editor: the edits rules make on one file, in the terms rules think in (replace a value,
remove an entry leaving comment lines in its place, rename a key, insert lines).

What cannot be expressed safely raises RefusedError with file:line; overlapping edits are a
bug (EditConflict). When the edits are applied, an anchor whose definition a removal takes
away while aliases to it remain moves to the first of them (`anchors.relocations`).
"""

from __future__ import annotations

from typing import NamedTuple

from migrator.errors import RefusedError
from migrator.escape import comment
from migrator.yamltext.anchors import relocations
from migrator.yamltext.document import Document
from migrator.yamltext.edits import (
    Copy,
    Edit,
    apply,
    comments,
    content_start,
    first_on_line,
    line_end,
    line_start,
    parent_of,
)
from migrator.yamltext.nodes import Mapping, Node, Scalar, Sequence, resolve
from migrator.yamltext.properties import properties, properties_end
from migrator.yamltext.scalars import PLATFORM_TAGS
from migrator.yamltext.unmerge import written_out


class Removed(NamedTuple):
    """What a removal left: the entry's own end-of-line comment, and every comment it held."""

    own_comment: str | None
    comments: tuple[str, ...]


class Editor:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.edits: list[Edit] = []
        self.before_lines: dict[int, list[str]] = {}  # line start -> lines inserted there
        self.removed: set[Node] = set()
        self.flow_removed: dict[Mapping, set[Node]] = {}  # flow mapping -> keys removed
        self.unmerged: dict[Mapping, set[str]] = {}  # mapping -> keys it drops (`unmerge`)
        self.shadowing: dict[Mapping, set[str]] = {}  # removed keys a merge also has
        self.emptied_nodes: set[Mapping] = set()
        text = doc.text
        self._first_content = len(text) - len(text.lstrip())  # where the first non-blank is

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
        """Replace a value's text; comments inside it (a block scalar's header) follow it. Its
        anchor and Platform.sh tag stay; a core tag goes (`!!null` on a value given one); a
        value written as nothing (`key:`) gets the separator it needs."""
        doc = self.doc
        start = content_start(doc, node)
        found = comments(doc, start, node.end) if "\n" in doc.text[start:node.end] else []
        if found and "\n" not in text:
            text += "  " + "  ".join(c.text for c in found)
        kept = _kept_properties(doc, node, start)
        if kept is not None:
            self.edits.append(Edit(node.start, node.end, kept + text))
            return
        if start == node.end:
            text = self._separated(node, start, text)
        self.edits.append(Edit(start, node.end, text))

    def _separated(self, node: Node, start: int, text: str) -> str:
        """The text of an empty value with what must stand before it: a space after `key:`
        or a property, `: ` after a key written alone (`{key}`, `? key`)."""
        before = self.doc.text[start - 1:start] if start else ""
        if before.isspace():
            return text
        if before == ":" or start > node.start:  # `key:` or `key: &anchor`
            return " " + text
        parent = parent_of(self.doc, node)
        if isinstance(parent, Mapping) and parent.flow:
            return ": " + text
        raise self.refuse("cannot give a value to a key written `? key` without one; write "
                          "`key:` instead", node)

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
        """Remove an entry; when a mapping the mapping merges has the same key, whose value
        would then show through, the merged entries are written out without it."""
        self.removed.add(entry[0])
        if any(entry[0].value in source for source in mapping.merges):
            self.shadowing.setdefault(mapping, set()).add(entry[0].value)
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
        return start <= self._first_content or self.doc.text[max(0, start - 2):start] == "\n\n"

    def _remove_flow(self, mapping: Mapping, entry: tuple[Scalar, Node],
                     lines: list[str]) -> Removed:
        """The entry goes with a separator next to it; which one is decided once every
        removal from the mapping is known (`_flow_removals`)."""
        value_end = max(entry[0].end, entry[1].end)
        index = next(i for i, pair in enumerate(mapping.pairs) if pair[0] is entry[0])
        following = mapping.pairs[index + 1][0].start if index + 1 < len(mapping.pairs) \
            else value_end
        found = comments(self.doc, entry[0].start, following)
        self.flow_removed.setdefault(mapping, set()).add(entry[0])
        outer = outermost_flow(self.doc, mapping)
        self.lines_before(outer.start, [f"# {comment(line)}" for line in lines]
                          + [c.text for c in found])
        return Removed(None, tuple(c.text for c in found))

    def _flow_removals(self) -> list[Edit]:
        """Each entry removed from a flow mapping goes with the separator after it, or, after
        the last entry kept, the one before it: `{a: 1, b: 2, c: 3}` without b and c is
        `{a: 1}`, whichever rule removed which first."""
        edits = []
        for mapping, removed in self.flow_removed.items():
            pairs = mapping.pairs
            kept = [i for i, (key, _) in enumerate(pairs) if key not in removed]
            last_kept = kept[-1] if kept else -1
            for index, (key, value) in enumerate(pairs):
                if key not in removed:
                    continue
                end = max(key.end, value.end)
                if index < last_kept:
                    edits.append(Edit(key.start, pairs[index + 1][0].start, ""))
                elif last_kept >= 0:
                    before = pairs[last_kept]
                    edits.append(Edit(max(before[0].end, before[1].end), end, ""))
                else:
                    edits.append(Edit(key.start, end if index == len(pairs) - 1
                                      else pairs[index + 1][0].start, ""))
        return edits

    def unmerge(self, node: Mapping, dropped: set[str]) -> None:
        """The mapping's merged entries are written out in place of its `<<` entry, leaving
        out `dropped` (and keys a rule removed); several rules may ask (`unmerge.py`)."""
        self.unmerged.setdefault(node, set()).update(dropped)

    def _unmerges(self) -> dict[Mapping, set[str]]:
        """The mappings to write out: those a rule asked for, and those where a removed key
        would let a merged value show through (a value no rule removed as well)."""
        unmerged = {node: set(dropped) for node, dropped in self.unmerged.items()}
        for node, keys in self.shadowing.items():
            for key in keys:
                merged = next((source.entry(key) for source in node.merges if key in source),
                              None)
                if merged is not None and merged[0] not in self.removed:
                    unmerged.setdefault(node, set()).add(key)
        return unmerged

    def emptied(self, node: Mapping) -> None:
        """Every entry of a block mapping is removed: it is written `{}` (not a null), after
        its anchor or tag when it has one."""
        if node in self.emptied_nodes:
            return  # reached again, through an alias
        self.emptied_nodes.add(node)
        parent = parent_of(self.doc, node)
        if not isinstance(parent, Mapping):
            raise self.refuse("every entry of this mapping would be removed", node)
        if node.start < node.pairs[0][0].start:  # `key: &anchor` with the entries below
            self.insert(properties_end(self.doc, node), " {}")
            return
        key = next(k for k, v in parent.pairs if v is node)
        colon = self.doc.text.index(":", key.end)
        self.insert(colon + 1, " {}")

    def result(self) -> str:
        edits = self.merged_edits()
        moved = relocations(self.doc, edits)
        replaced = {(edit.start, edit.end) for edit in moved if edit.end > edit.start}
        kept = [edit for edit in edits if (edit.start, edit.end) not in replaced]
        return apply(self.doc.text, _merge_inserts(kept + moved))

    def merged_edits(self) -> list[Edit]:
        """Every edit, the lines inserted before a line joined into one insertion."""
        edits = self.edits + self._flow_removals()
        before = {offset: list(lines) for offset, lines in self.before_lines.items()}
        for node, dropped in self._unmerges().items():
            edit, hoisted = written_out(self, node, dropped, edits)
            edits.append(edit)
            if hoisted:
                outer = outermost_flow(self.doc, node)
                pad = " " * self.indent_of_line(outer.start)
                before.setdefault(line_start(self.doc, outer.start), []).extend(
                    pad + comment + "\n" for comment in hoisted)
        edits += [Edit(offset, offset, "".join(lines)) for offset, lines in before.items()]
        return _merge_inserts(edits)

    def edited_lines(self) -> set[int]:
        """1-based lines of the original text that an edit touches."""
        touched: set[int] = set()
        for edit in self.edits:
            last = edit.end - 1 if edit.end > edit.start else edit.start
            touched.update(range(self.doc.line(edit.start), self.doc.line(last) + 1))
        return touched


def _kept_properties(doc: Document, node: Node, start: int) -> str | None:
    """The properties of a node without its core tag, followed by a space ("" when none is
    left), or None when it has no core tag (its properties stay as they are)."""
    if node.tag is None or node.tag in PLATFORM_TAGS:
        return None
    kept = [doc.text[s:e] for kind, s, e in properties(doc, node) if kind == "&"]
    return " ".join(kept) + " " if kept else ""


def _merge_inserts(edits: list[Edit]) -> list[Edit]:
    """Several insertions at one offset become one, in the order they were made."""
    merged: dict[int, list[Edit]] = {}
    rest = []
    for edit in edits:
        if edit.start == edit.end:
            merged.setdefault(edit.start, []).append(edit)
        else:
            rest.append(edit)
    for offset, group in merged.items():
        if len(group) == 1:
            rest.append(group[0])
        else:
            pieces: list[str | Copy] = []
            for edit in group:
                pieces += [edit.text] if isinstance(edit.text, str) else list(edit.text)
            rest.append(Edit(offset, offset, tuple(pieces)))
    return rest


def outermost_flow(doc: Document, node: Node) -> Node:
    """The outermost flow collection that contains `node` (itself when none does)."""
    outer: Node | None = None
    current: Node | None = node
    while current is not None:
        if isinstance(current, (Mapping, Sequence)) and current.flow:
            outer = current
        current = parent_of(doc, current)
    return outer if outer is not None else resolve(node)
