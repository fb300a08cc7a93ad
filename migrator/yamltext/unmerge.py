"""Writing a mapping's merged entries out in place of its `<<` entry.

When a rule drops a key that a mapping merges, or one whose removal would let a merged value
show through, the mapping can no longer merge: its merged entries are written out in it
instead (the anchored mapping stays as it is for the others that merge it). Each entry is a
copy of its own text, with the edits other rules made in it, moved to the mapping's column;
in a flow mapping the whole mapping is written again, in flow style. Which keys are dropped
is known only once every rule has run, so the edit is made then (`Editor.merged_edits`).
"""

from __future__ import annotations

from typing import Protocol

from migrator.errors import RefusedError
from migrator.yamltext.document import Document
from migrator.yamltext.edits import (
    Copy,
    Edit,
    comments,
    content_start,
    first_on_line,
    line_end,
    line_start,
)
from migrator.yamltext.flowtext import edited_flow
from migrator.yamltext.nodes import Mapping, Node, Scalar, is_merge_key
from migrator.yamltext.properties import properties_end


class Editing(Protocol):
    """What writing out a merge needs of the editor: its document, the entries it removed, and
    its refusals (file, line and column of a node)."""

    doc: Document
    removed: set[Node]

    def refuse(self, message: str, node: Node) -> RefusedError: ...


def written_out(editor: Editing, node: Mapping, dropped: set[str],
                edits: list[Edit]) -> tuple[Edit, list[str]]:
    """The edit that writes the mapping's merged entries out, and the comments to put on
    lines before a flow mapping (its written-out values held them)."""
    if node.flow:
        return _rewrite_flow(editor, node, dropped, edits)
    return _write_out_block(editor, node, dropped), []


def _merged(editor: Editing, node: Mapping,
            dropped: set[str]) -> list[tuple[Scalar, Node, Mapping]]:
    """The merged entries (and the mappings holding them) this mapping does not override,
    nor drops, nor has a rule removed from the mapping they come from."""
    own = set(node.own_keys())
    entries = []
    for name in node:
        entry, holder = node.entry(name), node.holder(name)
        if name not in own and name not in dropped and entry is not None \
                and holder is not None and entry[0] not in editor.removed:
            entries.append((*entry, holder))
    return entries


def _rewrite_flow(editor: Editing, node: Mapping, dropped: set[str],
                  edits: list[Edit]) -> tuple[Edit, list[str]]:
    """A flow mapping with `<<` written again: merged entries in place of `<<`, own entries
    as they were, dropped ones left out (each with the edits made inside it)."""
    parts: list[str | Copy] = ["{"]
    hoisted: list[str] = []
    for key, value in node.pairs:
        if is_merge_key(key):
            entries = [_flow_entry(editor, key, value, edits, hoisted)
                       for key, value, _ in _merged(editor, node, dropped)]
        elif key.value not in dropped and key not in editor.removed:
            entries = [(Copy(key.start, max(key.end, value.end)),)]
        else:
            continue
        for entry in entries:
            parts += ([", "] if len(parts) > 1 else []) + list(entry)
    parts.append("}")
    return Edit(content_start(editor.doc, node), node.end, tuple(parts)), hoisted


def _flow_entry(editor: Editing, key: Scalar, value: Node, edits: list[Edit],
                hoisted: list[str]) -> tuple[str | Copy, ...]:
    """A merged entry written inside a flow mapping: its text when it is one line, else its
    value (as the edits inside it left it) in flow style, its comments added to `hoisted`."""
    doc = editor.doc
    if "\n" not in doc.text[key.start:value.end]:
        return (Copy(key.start, max(key.end, value.end)),)
    written = edited_flow(doc, value, edits)
    if written is None:
        raise editor.refuse(f"cannot write the merged `{key.value}` (line "
                            f"{doc.line(key.start)}) into this flow mapping; write the "
                            "mapping in block style", value)
    hoisted += [c.text for c in comments(doc, key.end, value.start)] + written[1]
    props: tuple[str | Copy, ...] = (Copy(value.start, properties_end(doc, value)), " ") \
        if content_start(doc, value) > value.start else ()
    return (Copy(key.start, key.end), ": ", *props, written[0])


def _write_out_block(editor: Editing, node: Mapping, dropped: set[str]) -> Edit:
    """The `<<` entry of a block mapping replaced by the merged entries, each with its own
    lines (and the edits made in them), moved to this mapping's column; after a list dash
    (`- <<: *a`) the first one takes the `<<`'s place on the dash's line."""
    doc = editor.doc
    merges = [pair for pair in node.pairs if is_merge_key(pair[0])]
    if len(merges) != 1:
        raise editor.refuse("a mapping with more than one `<<` entry", node)
    key, value = merges[0]
    dash = not first_on_line(doc, key.start)
    end = line_end(doc, max(key.end, value.end) - 1)
    column = doc.column(key.start)
    parts: list[str | Copy] = []
    for index, entry in enumerate(_merged(editor, node, dropped)):
        parts += _block_entry(doc, *entry, column, bare=dash and index == 0)
    if dash and not parts:
        parts = ["\n"]  # `-` alone on its line: the item's entries follow on the next lines
    return Edit(key.start if dash else line_start(doc, key.start), end, tuple(parts))


def _block_entry(doc: Document, key: Scalar, value: Node, holder: Mapping, column: int,
                 bare: bool = False) -> list[str | Copy]:
    """The lines of an entry (with the comments among them), moved to `column`, ending with
    a line break; an entry of a flow mapping is its own text; `bare`: without the spaces
    before its first line."""
    shift = column - doc.column(key.start)
    pad = "" if bare else " " * column
    if holder.flow:
        return [pad, Copy(key.start, max(key.end, value.end), shift), "\n"]
    end = line_end(doc, max(key.end, value.end) - 1)
    tail = [] if doc.text[end - 1:end] == "\n" else ["\n"]
    if first_on_line(doc, key.start) and not bare:
        return [Copy(line_start(doc, key.start), end, shift, whole_lines=True), *tail]
    return [pad, Copy(key.start, end, shift), *tail]
