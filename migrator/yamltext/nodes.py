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
        if self.tag is None:
            return self.style == "" and self.value in _NULLS
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

    def add(self, key: Scalar, value: Node) -> None:
        """An entry, in file order (the composer's)."""
        self.pairs.append((key, value))
        if not is_merge_key(key):
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

    def items(self) -> Iterator[tuple[str, Node]]:
        for key, (_, entry) in self.effective():
            yield key, resolve(entry[1])


_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
          "FALSE": False}
#: YAML 1.2 core numbers; a plain scalar can be one only if it starts with one of _NUMBER_START
#: (most are words: the patterns are compiled on first use, and rarely run)
_INT = r"[-+]?[0-9][0-9_]*|0o[0-7]+|0x[0-9a-fA-F]+"
_FLOAT = (r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?"
          r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
_NUMBER_START = frozenset("0123456789+-.")
#: The YAML core tags (`!!str` is CORE + "str") and the Platform.sh ones.
CORE = "tag:yaml.org,2002:"
NULL_TAG = CORE + "null"
MERGE_TAG = CORE + "merge"
PLATFORM_TAGS = frozenset({"!include", "!archive"})
#: The core tags a scalar may carry, and what its text must then be.
SCALAR_TAGS = {CORE + "str": "a string", CORE + "int": "an integer", CORE + "float": "a number",
               CORE + "bool": "true or false", NULL_TAG: "a null (~, null or nothing)"}


def is_merge_key(key: Scalar) -> bool:
    """`<<`, plain, or tagged `!!merge` (what YAML's merge key resolves to)."""
    return key.value == "<<" and key.style == "" and key.tag in (None, MERGE_TAG)


def resolve(node: Node) -> Node:
    while isinstance(node, Alias):
        node = node.target
    return node


class Tagged(Record):
    """A Platform.sh `!include`/`!archive` value, as plain data."""

    tag: str
    value: Any


def scalar_value(node: Scalar) -> Any:
    """The value of a scalar under the YAML 1.2 core schema (what Upsun reads); a core tag
    (`!!int "8"`) says how its text is read, whatever its quoting."""
    text, tag = node.value, node.tag
    if tag is None:
        return text if node.style != "" else _implicit(text)
    if tag in PLATFORM_TAGS:
        return Tagged(tag, text)
    if tag == CORE + "str":
        return text
    value = _implicit(text)
    if tag == CORE + "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def core_tag_problem(node: Scalar) -> str | None:
    """Why a core tag does not fit a scalar's text (`!!int abc`), or None when it does."""
    tag = node.tag
    if tag is None or tag in PLATFORM_TAGS or tag == CORE + "str":
        return None
    wanted = SCALAR_TAGS.get(tag)
    if wanted is None:
        return f"!!{tag[len(CORE):]} is not supported on a value (core tags: !!str, !!int, " \
            "!!float, !!bool, !!null)" if tag.startswith(CORE) else None
    value = _implicit(node.value)
    fits = {CORE + "int": isinstance(value, int) and not isinstance(value, bool),
            CORE + "float": isinstance(value, (int, float)) and not isinstance(value, bool),
            CORE + "bool": isinstance(value, bool), NULL_TAG: value is None}[tag]
    return None if fits else f"!!{tag[len(CORE):]} {node.value!r} is not {wanted}"


def _implicit(text: str) -> Any:
    """A plain scalar's value: null, a boolean, a number, or the text."""
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if text[0] not in _NUMBER_START:
        return text
    if text.isdigit() and text.isascii():  # the common number: no pattern to compile
        return int(text)
    if re.fullmatch(_INT, text):
        return int(text[2:], 8 if text[1] == "o" else 16) if text.startswith(("0o", "0x")) \
            else int(text.replace("_", ""))
    if re.fullmatch(_FLOAT, text):
        try:
            return float(text.replace("_", "").replace(".inf", "inf")
                         .replace(".Inf", "inf").replace(".INF", "inf"))
        except ValueError:
            return text
    return text


_YAML11_BOOLS = frozenset(["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on",
                           "On", "ON", "off", "Off", "OFF"])
_YAML11_BASES = r"[-+]?(0b[01_]+|[1-9][0-9_]*(:[0-5]?[0-9])+)"  # binary, base 60


def yaml11_difference(text: str) -> str | None:
    """How YAML 1.1 reads a plain scalar when YAML 1.2's core schema (what the engine reads)
    reads it otherwise: `yes` a boolean, `0755` an octal number, `08` a string, `0b1` and
    `1:30` numbers, `0o17` and `1e3` strings; else None. Sources: the YAML 1.1 types
    (yaml.org/type/bool.html, int.html, float.html) and the 1.2.2 core schema (10.3.2)."""
    if text in _YAML11_BOOLS:
        return "a boolean"
    if not text or text[0] not in _NUMBER_START:
        return None
    digits = text.lstrip("+-")
    if re.fullmatch(_YAML11_BASES, text):
        return "a number"
    if digits.isdigit() and len(digits) > 1 and digits[0] == "0":
        return "a number in base 8" if set(digits) <= set("01234567_") else "a string"
    value = _implicit(text)
    if isinstance(value, int) and not isinstance(value, bool) and digits.startswith("0o"):
        return "a string"
    if isinstance(value, float) and "." not in text:
        return "a string"
    return None


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
