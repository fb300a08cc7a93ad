"""The node tree: mappings, sequences and scalars with their exact spans in the source text.

Offsets are character offsets into the text that was parsed. `start` includes a node's anchor
and tag; `end` is where its content ends (trailing blank lines of a block scalar excluded).
Aliases are kept as `Alias` nodes pointing at their anchored node; `<<` merges are kept as
entries (for editing) and resolved by `Mapping.get`/`Mapping.keys` (for reading).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from migrator.yamltext.scalars import CORE, MERGE_TAG, NULL_TAG, NULLS, PLATFORM_TAGS, implicit


class Node:
    """Plain slotted classes: a tree has a node for every value and key of a file, each built
    with as little work as can be."""

    __slots__ = ("start", "end", "tag", "anchor")

    def __init__(self, start: int, end: int, tag: str | None, anchor: str | None) -> None:
        self.start, self.end, self.tag, self.anchor = start, end, tag, anchor


class Scalar(Node):
    __slots__ = ("value", "style")

    def __init__(self, start: int, end: int, tag: str | None, anchor: str | None, value: str,
                 style: str) -> None:
        # the fields of Node set here, not through super(): one call less for each scalar
        self.start, self.end, self.tag, self.anchor = start, end, tag, anchor
        self.value = value
        self.style = style  # "" plain, "'" or '"' quoted, "|" or ">" block

    @property
    def is_null(self) -> bool:
        if self.tag is None:
            return self.style == "" and self.value in NULLS
        return self.tag == NULL_TAG  # the composer checked that the text is a null


class Alias(Node):
    __slots__ = ("target",)

    def __init__(self, start: int, end: int, tag: str | None, anchor: str | None,
                 target: Node) -> None:
        super().__init__(start, end, tag, anchor)
        self.target = target


class Sequence(Node):
    __slots__ = ("flow", "items")

    def __init__(self, start: int, end: int, tag: str | None, anchor: str | None,
                 flow: bool) -> None:
        self.start, self.end, self.tag, self.anchor = start, end, tag, anchor
        self.flow = flow
        self.items: list[Node] = []


class Mapping(Node):
    """A mapping: its entries as written (`pairs`, `<<` entries included), the mappings its
    `<<` entries merge (`merges`), and an index of its effective entries built once by the
    composer (`seal`), so that looking a key up never walks the merges again."""

    __slots__ = ("flow", "pairs", "merges", "_own", "_merged")

    def __init__(self, start: int, end: int, tag: str | None, anchor: str | None,
                 flow: bool) -> None:
        self.start, self.end, self.tag, self.anchor = start, end, tag, anchor
        self.flow = flow
        self.pairs: list[tuple[Scalar, Node]] = []
        self.merges: list[Mapping] = []
        self._own: dict[str, tuple[Scalar, Node]] = {}
        #: key -> (the mapping that holds it, its entry there); None without merges
        self._merged: dict[str, tuple[Mapping, tuple[Scalar, Node]]] | None = None

    def add(self, key: Scalar, value: Node, merging: bool) -> None:
        """An entry, in file order (the composer's); `merging`: the key is `<<`
        (`is_merge_key`), whose entry merges rather than names a value."""
        self.pairs.append((key, value))
        if not merging:
            self._own[key.value] = (key, value)

    def seal(self) -> int:
        """Index the effective entries once every entry and merge is known (the merged
        mappings were sealed before: an alias names a finished node). Returns how many
        entries were looked at, for the composer's bound on expansion."""
        if not self.merges:
            return len(self._own)
        merged = {key: (self, entry) for key, entry in self._own.items()}
        work = len(merged)
        for source in self.merges:
            for key, hit in source.effective():
                work += 1
                if key not in merged:
                    merged[key] = hit
        self._merged = merged
        return work

    def effective(self) -> Iterator[tuple[str, tuple[Mapping, tuple[Scalar, Node]]]]:
        if self._merged is not None:
            yield from self._merged.items()
        else:
            for key, entry in self._own.items():
                yield key, (self, entry)

    def own(self, key: str) -> tuple[Scalar, Node] | None:
        """The entry written in this mapping itself (not merged in), or None."""
        return self._own.get(key)

    def _lookup(self, key: str) -> tuple[Mapping, tuple[Scalar, Node]] | None:
        """The mapping that really holds `key` (itself, or one it merges with `<<`, depth
        first) and its entry there."""
        if self._merged is not None:
            return self._merged.get(key)
        found = self._own.get(key)
        return (self, found) if found is not None else None

    def holder(self, key: str) -> Mapping | None:
        """The mapping that really holds `key`: itself or one it merges with `<<`."""
        hit = self._lookup(key)
        return hit[0] if hit is not None else None

    def entry(self, key: str) -> tuple[Scalar, Node] | None:
        """The entry of `key` in the mapping that really holds it, or None."""
        hit = self._lookup(key)
        return hit[1] if hit is not None else None

    def get(self, key: str) -> Node | None:
        """The effective value of `key` (own first, then merged), aliases resolved."""
        found = self.entry(key)
        return resolve(found[1]) if found is not None else None

    def __contains__(self, key: str) -> bool:
        return (self._merged if self._merged is not None else self._own).__contains__(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def own_keys(self) -> list[str]:
        return list(self._own)

    def keys(self) -> list[str]:
        """Effective keys: own ones in file order, then merged ones not overridden."""
        return list(self._merged if self._merged is not None else self._own)

    def items(self) -> list[tuple[str, Node]]:
        """The effective entries, aliases resolved."""
        if self._merged is not None:
            return [(key, resolve(entry[1])) for key, (_, entry) in self._merged.items()]
        return [(key, resolve(entry[1])) for key, entry in self._own.items()]


def is_merge_key(key: Scalar) -> bool:
    """`<<`, plain, or tagged `!!merge` (what YAML's merge key resolves to)."""
    return key.value == "<<" and key.style == "" and key.tag in (None, MERGE_TAG)


def resolve(node: Node) -> Node:
    while isinstance(node, Alias):
        node = node.target
    return node


def written_at(node: Node, path: Iterable[object]) -> int | None:
    """Where the deepest node found along `path` is written (a mapping entry's key, a list
    item; aliases and merges followed), or None when the first step is not found."""
    offset = None
    for key in path:
        node = resolve(node)
        entry = node.entry(key) if isinstance(node, Mapping) and isinstance(key, str) else None
        if entry is not None:
            offset, node = entry[0].start, entry[1]
        elif isinstance(node, Sequence) and isinstance(key, int) and 0 <= key < len(node.items):
            node = node.items[key]
            offset = node.start
        else:
            break
    return offset


class Tagged(NamedTuple):
    """A Platform.sh `!include`/`!archive` value, as plain data."""

    tag: str
    value: Any


def scalar_value(node: Scalar) -> Any:
    """The value of a scalar under the YAML 1.2 core schema (what Upsun reads); a core tag
    (`!!int "8"`) says how its text is read, whatever its quoting."""
    text, tag = node.value, node.tag
    if tag is None:
        return text if node.style != "" else implicit(text)
    if tag in PLATFORM_TAGS:
        return Tagged(tag, text)
    if tag == CORE + "str":
        return text
    value = implicit(text)
    if tag == CORE + "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def text_value(node: Node | None) -> str | None:
    """The text of a scalar that is neither null nor a Platform.sh value (`!include`), core
    tags allowed (`!!str app`); None for anything else."""
    if isinstance(node, Scalar) and node.tag not in PLATFORM_TAGS and not node.is_null:
        return node.value
    return None


def to_data(node: Node, memo: dict[Node, Any] | None = None) -> Any:
    """Plain Python data: dicts (merges applied), lists, scalars; tags as `Tagged`. A node
    reached through several aliases becomes one shared value, so alias bombs stay small."""
    memo = {} if memo is None else memo
    node = resolve(node)
    if node in memo:
        return memo[node]
    if isinstance(node, Scalar):
        data: Any = scalar_value(node)
    elif isinstance(node, Sequence):
        data = [to_data(item, memo) for item in node.items]
    else:
        assert isinstance(node, Mapping)
        data = {key: to_data(value, memo) for key, value in node.items()}
    if node.tag in ("!include", "!archive") and not isinstance(node, Scalar):
        data = Tagged(node.tag, data)
    memo[node] = data
    return data


def children(node: Node) -> Iterator[Node]:
    """Direct children (keys excluded), aliases not followed."""
    if isinstance(node, Mapping):
        for _, value in node.pairs:
            yield value
    elif isinstance(node, Sequence):
        yield from node.items


def written(root: Node | None) -> Iterator[Node]:
    """Every node written in a document's text, keys included, depth first (the last entry of
    a collection first); aliases are yielded, never followed."""
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, Mapping):
            for key, value in node.pairs:
                stack += [key, value]
        elif isinstance(node, Sequence):
            stack += node.items
