"""The node tree: mappings, sequences and scalars with their exact spans in the source text.

Offsets are character offsets into the text that was parsed. `start` includes a node's anchor
and tag; `end` is where its content ends (trailing blank lines of a block scalar excluded).
Aliases are kept as `Alias` nodes pointing at their anchored node; `<<` merges are kept as
entries (for editing) and resolved by `Mapping.get`/`Mapping.keys` (for reading).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from migrator.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Node:
    """Plain slotted classes, not dataclasses: bulk builds thousands of nodes a second, and the
    classes are created on every start."""

    __slots__ = ("start", "end", "tag", "anchor")

    def __init__(self, start: int, end: int, tag: str | None, anchor: str | None) -> None:
        self.start, self.end, self.tag, self.anchor = start, end, tag, anchor


class Scalar(Node):
    __slots__ = ("value", "style")

    def __init__(self, start: int, end: int, tag: str | None, anchor: str | None, value: str,
                 style: str) -> None:
        # the fields of Node set here, not through super(): a repository builds hundreds
        self.start, self.end, self.tag, self.anchor = start, end, tag, anchor
        self.value = value
        self.style = style  # "" plain, "'" or '"' quoted, "|" or ">" block

    @property
    def is_null(self) -> bool:
        return self.tag is None and self.style == "" and self.value in _NULLS


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
    __slots__ = ("flow", "pairs", "merges")

    def __init__(self, start: int, end: int, tag: str | None, anchor: str | None,
                 flow: bool) -> None:
        self.start, self.end, self.tag, self.anchor = start, end, tag, anchor
        self.flow = flow
        self.pairs: list[tuple[Scalar, Node]] = []
        self.merges: list[Mapping] = []

    def own(self, key: str) -> tuple[Scalar, Node] | None:
        """The entry written in this mapping itself (not merged in), or None."""
        for entry in self.pairs:
            if entry[0].value == key and not is_merge_key(entry[0]):
                return entry
        return None

    def _lookup(self, key: str) -> tuple[Mapping, tuple[Scalar, Node]] | None:
        """The mapping that really holds `key` (itself, or one it merges with `<<`, depth
        first) and its entry there."""
        found = self.own(key)
        if found is not None:
            return self, found
        for source in self.merges:
            hit = source._lookup(key)
            if hit is not None:
                return hit
        return None

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
        return self.holder(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def own_keys(self) -> list[str]:
        return [k.value for k, _ in self.pairs if not is_merge_key(k)]

    def keys(self) -> list[str]:
        """Effective keys: own ones in file order, then merged ones not overridden."""
        keys = self.own_keys()
        for source in self.merges:
            keys += [k for k in source if k not in keys]
        return keys

    def items(self) -> Iterator[tuple[str, Node]]:
        if not self.merges:  # the common case, in one pass: an own key appears once (the parser
            for own, node in self.pairs:  # refuses duplicates), and none is overridden
                if not is_merge_key(own):
                    yield own.value, resolve(node)
            return
        for key in self.keys():
            value = self.get(key)
            assert value is not None
            yield key, value


_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
          "FALSE": False}
#: YAML 1.2 core numbers; a plain scalar can be one only if it starts with one of _NUMBER_START
#: (most are words: the patterns are compiled on first use, and rarely run)
INT_PATTERN = r"[-+]?[0-9][0-9_]*|0o[0-7]+|0x[0-9a-fA-F]+"
_FLOAT = (r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?"
          r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
_NUMBER_START = frozenset("0123456789+-.")


def is_merge_key(key: Scalar) -> bool:
    return key.value == "<<" and key.style == "" and key.tag is None


def resolve(node: Node) -> Node:
    while isinstance(node, Alias):
        node = node.target
    return node


class Tagged(Record):
    """A Platform.sh `!include`/`!archive` value, as plain data."""

    tag: str
    value: Any


def scalar_value(node: Scalar) -> Any:
    """The value of a scalar under the YAML 1.2 core schema (what Upsun reads)."""
    text, tag = node.value, node.tag
    if tag in ("!include", "!archive"):
        return Tagged(tag, text)
    if node.style != "" or tag == "tag:yaml.org,2002:str":
        return text
    if tag is None or tag.startswith("tag:yaml.org,2002:"):
        if text in _NULLS:
            return None
        if text in _BOOLS:
            return _BOOLS[text]
        if text[0] not in _NUMBER_START:
            return text
        if text.isdigit() and text.isascii():  # the common number: no pattern to compile
            return int(text)
        if re.fullmatch(INT_PATTERN, text):
            return int(text[2:], 8 if text[1] == "o" else 16) if text.startswith(("0o", "0x")) \
                else int(text.replace("_", ""))
        if re.fullmatch(_FLOAT, text):
            try:
                return float(text.replace("_", "").replace(".inf", "inf")
                             .replace(".Inf", "inf").replace(".INF", "inf"))
            except ValueError:
                return text
    return text


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
