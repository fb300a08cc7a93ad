"""Anchors and tags across edits and files.

- `relocations`: an anchor whose definition a removal takes away (a key Upsun does not accept
  that held shared blocks) while aliases to it remain moves to the first of them, written for
  that place: re-indented in block context, in flow style inside a flow collection. What
  cannot be written there is refused with the alias's line.
- `renames`: files nested into one config may use the same anchor name; the later ones are
  renamed (anchor and aliases), since one YAML document defines a name once.
- `canonical_tags`: tags written with a `%TAG` handle, and `!!merge`, are written as they read
  without the directive (`!!archive` under `%TAG !! !` is `!archive`; `!!merge <<` is `<<`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator

from migrator.errors import RefusedError
from migrator.yamltext.document import Document
from migrator.yamltext.edits import (
    Copy,
    Edit,
    content_start,
    line_end,
    line_start,
    outermost_edits,
    parent_of,
)
from migrator.yamltext.flowtext import edited_flow
from migrator.yamltext.nest import unit
from migrator.yamltext.nodes import Alias, Mapping, Node, Scalar, Sequence, written
from migrator.yamltext.properties import properties, properties_end, tag_text
from migrator.yamltext.scalars import MERGE_TAG


def relocations(doc: Document, edits: list[Edit]) -> list[Edit]:
    """Edits that define each anchor a removal takes away at its first remaining alias (in
    place of any edit of that alias, its renaming). They apply where the alias stands, not
    in copies of the text around it, which keep the alias."""
    if not doc.aliases:
        return []
    removed = _Removed([edit for edit in outermost_edits(doc.text, edits)
                        if edit.end > edit.start])
    if not removed.edits:
        return []
    by_target: dict[Node, list[Alias]] = {}
    for alias in doc.aliases:
        by_target.setdefault(alias.target, []).append(alias)
    moved: list[Edit] = []
    placed: list[tuple[int, int]] = []  # spans already defined again at an alias
    for name, anchored in doc.anchors.items():
        aliases = by_target.get(anchored, [])
        if not aliases or _inside(anchored, placed) or not removed.loses(anchored):
            continue
        kept = [a for a in aliases if removed.holder(a) is None]
        copies = [_copied_at(a, removed.edits, edits) for a in aliases]
        first_copy = min((at for at in copies if at is not None), default=None)
        if first_copy is not None and (not kept or kept[0].start > first_copy):
            raise _refusal(doc, aliases[0], anchored, name, "the first place it is used is "
                           "a value written out again elsewhere")
        if not kept:
            continue
        moved += [edit._replace(in_place=True)
                  for edit in _define_at(doc, anchored, kept[0], name, edits)]
        placed.append((anchored.start, anchored.end))
    return moved


def _inside(node: Node, spans: list[tuple[int, int]]) -> bool:
    return any(start <= node.start and node.end <= end for start, end in spans)


class _Removed:
    """The outermost edits that replace text (they do not overlap), looked up by offset."""

    def __init__(self, edits: list[Edit]) -> None:
        self.edits = edits
        self.starts = [edit.start for edit in edits]

    def holder(self, node: Node) -> Edit | None:
        """The edit whose span holds the node, if any (one of the node's own span, the
        renaming of an alias, does not: the alias stays)."""
        index = bisect_right(self.starts, node.start) - 1
        if index < 0:
            return None
        edit = self.edits[index]
        inside = edit.start <= node.start and node.end <= edit.end
        return edit if inside and (edit.start, edit.end) != (node.start, node.end) else None

    def loses(self, node: Node) -> bool:
        """Whether an edit takes the node away (it does not copy it elsewhere)."""
        edit = self.holder(node)
        return edit is not None and not any(c.start <= node.start and node.end <= c.end
                                            for c in _copies(edit))


def _copies(edit: Edit) -> Iterator[Copy]:
    if not isinstance(edit.text, str):
        yield from (part for part in edit.text if isinstance(part, Copy))


def _copied_at(alias: Alias, removed: list[Edit], edits: list[Edit]) -> int | None:
    """Where the first copy of text holding the alias is written, if any (copies write the
    alias again: the anchor must be defined before); a copy in which another edit replaced
    the alias does not count."""
    found = [(edit, c) for edit in removed for c in _copies(edit)
             if c.start <= alias.start and alias.end <= c.end]
    return min((edit.start for edit, c in found if not any(
        other is not edit and other.end > other.start and c.start <= other.start
        and other.end <= c.end and other.start <= alias.start and alias.end <= other.end
        and (other.start, other.end) != (alias.start, alias.end) for other in edits)),
        default=None)


def _refusal(doc: Document, alias: Node, anchored: Node, name: str, why: str) -> RefusedError:
    return RefusedError(f"cannot carry the alias *{name}: its anchor (line "
                        f"{doc.line(anchored.start)}) stands in a key the migration removes, "
                        f"and {why}; write the value out at the alias", doc.file,
                        doc.line(alias.start), doc.column(alias.start) + 1)


def _define_at(doc: Document, anchored: Node, alias: Alias, name: str,
               edits: list[Edit]) -> list[Edit]:
    """The anchored node (with its edits) written in place of the alias."""
    parent = parent_of(doc, alias)
    if "\n" not in doc.text[anchored.start:anchored.end]:
        return [Edit(alias.start, alias.end, (Copy(anchored.start, anchored.end),))]
    if isinstance(parent, (Mapping, Sequence)) and parent.flow:
        return _flow_at(doc, anchored, alias, name, edits)
    owner = _owner_column(doc, alias)
    if isinstance(anchored, (Mapping, Sequence)) and not anchored.flow:
        return [_block_at(doc, anchored, alias, owner)]
    shift = owner - _owner_column(doc, anchored)
    return [Edit(alias.start, alias.end, (Copy(anchored.start, anchored.end, shift),))]


def _flow_at(doc: Document, anchored: Node, alias: Alias, name: str,
             edits: list[Edit]) -> list[Edit]:
    """Inside a flow collection: the anchored node as edited, written in flow style, its
    comments on lines before the alias's line."""
    flow = edited_flow(doc, anchored, edits)
    if flow is None:
        raise _refusal(doc, alias, anchored, name, "the alias stands inside a flow "
                       "collection, where the anchored value cannot be written")
    props = Copy(anchored.start, properties_end(doc, anchored))
    moved = [Edit(alias.start, alias.end, (props, " ", flow[0]))]
    if flow[1]:
        here = line_start(doc, alias.start)
        pad = " " * _indent(doc, here)
        moved.append(Edit(here, here, "".join(f"{pad}{comment}\n" for comment in flow[1])))
    return moved


def _indent(doc: Document, start: int) -> int:
    line = doc.text[start:line_end(doc, start)]
    return len(line) - len(line.lstrip(" "))


def _block_at(doc: Document, anchored: Node, alias: Alias, owner: int) -> Edit:
    """`&name` where the alias was, and the block's lines below it, one level deeper than the
    alias's key; a comment after the alias goes on the anchor's line."""
    content = content_start(doc, anchored)
    column = owner + unit(doc)
    first, last = line_start(doc, content), line_end(doc, anchored.end - 1)
    props_end = properties_end(doc, anchored)
    end = line_end(doc, alias.end - 1) if alias.end > alias.start else alias.end
    rest = doc.text[alias.end:end].rstrip("\n")
    lines = Copy(first, last, column - doc.column(content), whole_lines=True)
    return Edit(alias.start, end, (Copy(anchored.start, props_end), rest, "\n", lines))


def _owner_column(doc: Document, node: Node) -> int:
    """The column of the key (or list dash) a block node is the value (or item) of."""
    parent = parent_of(doc, node)
    if isinstance(parent, Mapping):
        key = next((k for k, v in parent.pairs if v is node), None)
        if key is not None:
            return doc.column(key.start)
    if isinstance(parent, Sequence):
        dash = doc.text.rfind("-", 0, node.start)
        return doc.column(dash) if dash >= 0 else 0
    return doc.column(node.start)


def renames(doc: Document, taken: set[str]) -> list[Edit]:
    """Rename this file's anchors that another file nested before it already defines."""
    edits: list[Edit] = []
    for name, anchored in doc.anchors.items():
        if name not in taken:
            taken.add(name)
            continue
        new = _free_name(name, taken)
        taken.add(new)
        token = next(s for kind, s, _ in properties(doc, anchored) if kind == "&")
        edits.append(Edit(token, token + 1 + len(name), "&" + new))
        edits += [Edit(alias.start, alias.end, "*" + new) for alias in doc.aliases
                  if alias.target is anchored]
    return edits


def _free_name(name: str, taken: set[str]) -> str:
    number = 2
    while f"{name}_{number}" in taken:
        number += 1
    return f"{name}_{number}"


def canonical_tags(doc: Document) -> list[Edit]:
    """Tags as they read without the document's `%TAG` directives; `!!merge <<` as `<<`."""
    if not doc.handles and not doc.merge_tags:
        return []
    edits: list[Edit] = []
    for node in _tagged(doc.root):
        for kind, start, end in properties(doc, node):
            if kind != "!" or node.tag is None:
                continue
            if node.tag == MERGE_TAG and isinstance(node, Scalar):
                edits.append(Edit(start, content_start(doc, node), ""))
            elif doc.text[start:end] != tag_text(node.tag):
                edits.append(Edit(start, end, tag_text(node.tag)))
    return edits


def _tagged(root: Node | None) -> Iterator[Node]:
    return (node for node in written(root) if node.tag is not None)
