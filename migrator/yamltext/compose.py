"""Parser events -> the node tree of one document, checking what a configuration may hold.

Only the event stream is read (ruamel.yaml's event classes, their marks, anchors, tags, styles
and values), so either of ruamel.yaml's parsers, the C one or the pure-Python one, stands under
it: both emit the same classes. Refused here with
`file:line:column`: a second document, a YAML version other than 1.1 and 1.2, unknown tags,
a core tag its text does not fit (`!!int abc`), keys that are collections, recursive aliases,
nesting deeper than MAX_DEPTH, and aliases that expand to more than MAX_VALUES values beyond
the document's own (an alias bomb: counted while composing, before anything walks the tree).
"""

from __future__ import annotations

import sys
from typing import Any

from ruamel.yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from migrator.errors import MAX_VALUES, ExpansionError, InputError
from migrator.yamltext.document import Document
from migrator.yamltext.nodes import Alias, Mapping, Node, Scalar, Sequence, is_merge_key, resolve
from migrator.yamltext.scalars import (
    CORE,
    INT,
    MERGE_TAG,
    PLATFORM_TAGS,
    core_tag_problem,
    yaml11_difference,
)

MAX_DEPTH = 200
#: Scalars longer than this may be integers beyond Python's int/str conversion limit (4,300
#: digits unless set otherwise; 0: none); a hex integer has more decimal digits than characters,
#: so half the limit is where checking starts.
_LONG = (sys.get_int_max_str_digits() or sys.maxsize) // 2
#: The tags whose reading turns a text into a number (a plain scalar's too).
_NUMERIC_TAGS = frozenset({None, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                           "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"})
VERSIONS = ((1, 1), (1, 2))
UNSUPPORTED_VERSION = "a YAML version other than 1.1 and 1.2 (the %YAML directive)"
_COLLECTION_TAGS = {MappingStartEvent: CORE + "map", SequenceStartEvent: CORE + "seq"}


class Composer:
    """`bounded`: refuse aliases that add more than MAX_VALUES values (every document a run
    reads; the proof's parse of the output, which only joins bounded documents, is not)."""

    def __init__(self, source: Any, document: Document, bounded: bool = True,
                 max_depth: int = MAX_DEPTH) -> None:
        self.source = source
        self.document = document
        self.bounded, self.max_depth = bounded, max_depth
        self.anchors: dict[str, Node | None] = {}  # None: anchored node still being composed
        #: values each collection stands for once aliases and merges are expanded (a scalar
        #: is one), and how many are written in the text; the difference is what aliases add
        self.expanded: dict[Node, int] = {}
        self.written = 0
        self.merge_work = 0
        self.path: list[object] = []  # keys and indexes down to the node being composed
        self.yaml11 = False  # under `%YAML 1.1` (set by start_document)

    def compose(self) -> None:
        self.source.get_event()  # StreamStart
        event = self.source.get_event()
        if type(event) is StreamEndEvent:
            return
        self.start_document(event)
        root, _ = self.node(self.source.get_event(), 0)
        empty = isinstance(root, Scalar) and root.value == "" and root.style == "" \
            and root.tag is None and root.anchor is None
        self.document.root = None if empty else root  # `---` and comments: no document
        self.document.nodes = self.written
        end = self.source.get_event()  # DocumentEnd
        if end.explicit:
            self.document.end_marker = (end.start_mark.index, end.end_mark.index)
        event = self.source.get_event()
        if type(event) is not StreamEndEvent:
            self.fail("a second YAML document in one file is not supported", event.start_mark)

    def start_document(self, event: Any) -> None:
        version = getattr(event, "version", None)
        if version is not None and tuple(version) not in VERSIONS:  # libyaml refuses them
            self.fail(UNSUPPORTED_VERSION, event.start_mark)
        if event.explicit:
            self.unknown_directives(event.start_mark.index, event.end_mark.index)
        document = self.document
        document.version = tuple(version) if version is not None else None
        self.yaml11 = document.version == (1, 1)
        document.handles = dict(getattr(event, "tags", None) or {})
        if event.explicit:
            document.start_marker = (event.start_mark.index, event.end_mark.index)

    def unknown_directives(self, start: int, end: int) -> None:
        """A directive other than %YAML and %TAG: libyaml refuses it, the pure-Python parser
        passes over it; refused with both."""
        text, offset = self.document.text, start
        for line in text[start:end].split("\n"):
            name = line[1:].split(maxsplit=1)[0] if line.startswith("%") and line[1:].strip() \
                else None
            if name is not None and name not in ("YAML", "TAG"):
                number = text.count("\n", 0, offset) + 1
                raise InputError("found unknown directive name", self.document.file, number,
                                 len(name) + 2)
            offset += len(line) + 1

    def fail(self, message: str, mark: Any) -> None:
        raise InputError(message, self.document.file, mark.line + 1, mark.column + 1)

    def node(self, event: Any, depth: int) -> tuple[Node, int]:
        """The node an event starts, and how many values it stands for once expanded."""
        if depth > self.max_depth:
            self.fail("YAML nested too deeply", event.start_mark)
        kind = type(event)
        self.written += 1
        if kind is ScalarEvent and event.tag is None and event.anchor is None \
                and not event.style:  # most nodes: a plain scalar, no tag, no anchor
            value = event.value
            if len(value) > _LONG:
                self.integer_in_reach(event)
            if self.yaml11:
                self.check_yaml11(event)
            return Scalar(event.start_mark.index, event.end_mark.index, None, None, value, ""), 1
        if kind is AliasEvent:
            return self.alias(event)
        tag = self.tag(event, kind)
        if event.anchor is not None:
            if event.anchor in self.anchors:
                self.fail(f"anchor &{event.anchor} is defined twice", event.start_mark)
            self.anchors[event.anchor] = None
        built: Node
        if kind is ScalarEvent:
            built, size = self.scalar(event, tag), 1
        elif kind is SequenceStartEvent:
            built, size = self.sequence(event, tag, depth)
        else:
            built, size = self.mapping(event, tag, depth)
        if event.anchor is not None:
            self.anchors[event.anchor] = built
            self.document.anchors[event.anchor] = built
        return built, size

    def tag(self, event: Any, kind: type) -> str | None:
        tag: str | None = event.tag if event.tag not in ("!", None) else None
        if tag is None:
            return None
        if tag in PLATFORM_TAGS:
            self.document.tagged = True
        elif not tag.startswith(CORE):
            self.fail(f"unknown tag {tag} (only !include and !archive are supported)",
                      event.start_mark)
        elif kind in _COLLECTION_TAGS and tag != _COLLECTION_TAGS[kind]:
            self.fail(f"!!{tag[len(CORE):]} does not fit a "
                      f"{'mapping' if kind is MappingStartEvent else 'list'}", event.start_mark)
        return tag

    def check_yaml11(self, event: Any) -> None:
        """Under `%YAML 1.1`, a plain scalar that YAML 1.1 and 1.2 read apart is refused:
        the directive does not reach the nested output."""
        reading = yaml11_difference(event.value)
        if reading is not None:
            self.fail(f"`{event.value}` is {reading} in YAML 1.1 (this file's %YAML "
                      "directive) and not in YAML 1.2: quote it, or write it so that both "
                      "read the same", event.start_mark)

    def scalar(self, event: Any, tag: str | None) -> Scalar:
        if len(event.value) > _LONG and tag in _NUMERIC_TAGS and (tag or not event.style):
            self.integer_in_reach(event)
        if tag is None and not event.style and self.yaml11:
            self.check_yaml11(event)
        node = Scalar(event.start_mark.index, self.scalar_end(event), tag, event.anchor,
                      event.value, event.style or "")
        problem = core_tag_problem(node.value, tag) if tag not in (None, MERGE_TAG) else None
        if problem is not None:
            self.fail(problem, event.start_mark)
        return node

    def integer_in_reach(self, event: Any) -> None:
        """Refuse an integer that Python cannot turn into text and back (more digits than
        `sys.get_int_max_str_digits()`, 4,300 unless set otherwise): every report, comparison
        and check of the run would fail on it."""
        text, limit = event.value, sys.get_int_max_str_digits()
        if not limit or not INT.fullmatch(text):
            return
        try:
            str(int(text[2:], 16 if text[1] == "x" else 8) if text.startswith(("0o", "0x"))
                else int(text.replace("_", "")))
        except ValueError:
            self.fail(f"an integer of {len(text):,} characters: Python converts integers of at "
                      f"most {limit:,} digits to and from text (its guard against slow "
                      "conversions); quote the value if it is text", event.start_mark)

    def scalar_end(self, event: Any) -> int:
        end: int = event.end_mark.index
        if event.style in ("|", ">"):  # trailing blank lines belong to the scalar, not its text
            text = self.document.text
            while end > event.start_mark.index and text[end - 1] in " \r\n":
                end -= 1
        return end

    def alias(self, event: Any) -> tuple[Node, int]:
        if event.anchor not in self.anchors:
            self.fail(f"alias *{event.anchor} names no anchor", event.start_mark)
        target = self.anchors[event.anchor]
        if target is None:
            self.fail(f"alias *{event.anchor} stands inside the collection it names (a "
                      "recursive structure)", event.start_mark)
        assert target is not None
        self.document.aliased = True
        alias = Alias(event.start_mark.index, event.end_mark.index, None, None, target)
        self.document.aliases.append(alias)
        return alias, self.expanded.get(target, 1)

    def sequence(self, event: Any, tag: str | None, depth: int) -> tuple[Sequence, int]:
        node = Sequence(event.start_mark.index, 0, tag, event.anchor, bool(event.flow_style))
        items, get_event, size = node.items, self.source.get_event, 1
        while True:
            item = get_event()
            if type(item) is SequenceEndEvent:
                break
            self.path.append(len(items))
            child, count = self.node(item, depth + 1)
            self.path.pop()
            items.append(child)
            size += count
        node.end = item.end_mark.index if node.flow else \
            (items[-1].end if items else event.end_mark.index)
        return node, self.counted(node, size, event)

    def mapping(self, event: Any, tag: str | None, depth: int) -> tuple[Mapping, int]:
        node = Mapping(event.start_mark.index, 0, tag, event.anchor, bool(event.flow_style))
        get_event, path, own_size = self.source.get_event, self.path, 0
        while True:
            key_event = get_event()
            if type(key_event) is MappingEndEvent:
                break
            key, _ = self.node(key_event, depth + 1)
            if type(key) is not Scalar:
                self.fail("a key that is a mapping, a list or an alias is not supported (keys "
                          "of a configuration are names)", key_event.start_mark)
            assert isinstance(key, Scalar)
            merging = is_merge_key(key)
            self.check_key(key, merging, node, key_event)
            path.append(key.value)
            value, size = self.node(get_event(), depth + 1)
            path.pop()
            node.add(key, value, merging)
            if merging:
                self.merge(node, value, key_event)
            else:
                own_size += size  # keys are unique (check_key): each own value counts once
        node.end = key_event.end_mark.index if node.flow else \
            (node.pairs[-1][1].end if node.pairs else event.end_mark.index)
        return node, self.counted(node, self.mapping_size(node, own_size, event), event)

    def check_key(self, key: Scalar, merging: bool, node: Mapping, event: Any) -> None:
        if key.tag == MERGE_TAG:
            if not merging:
                self.fail("!!merge is the tag of the merge key `<<` only", event.start_mark)
            self.document.merge_tags = True
        if not merging and node.own(key.value) is not None:
            self.fail(f"duplicate key {key.value!r}", event.start_mark)

    def merge(self, node: Mapping, value: Node, event: Any) -> None:
        sources = resolve(value)
        items = sources.items if isinstance(sources, Sequence) else [sources]
        for item in items:
            target = resolve(item)
            if not isinstance(target, Mapping):
                self.fail("`<<` must merge a mapping or a list of mappings", event.start_mark)
            assert isinstance(target, Mapping)
            node.merges.append(target)

    def mapping_size(self, node: Mapping, own_size: int, event: Any) -> int:
        """1 + the values of its effective entries: its own (`own_size`: an own entry always
        wins over a merged one), then the merged ones no own entry overrides."""
        work = node.seal()
        if not node.merges:
            return 1 + own_size
        self.merge_work += work
        if self.bounded and self.merge_work > 4 * MAX_VALUES:
            self.expansion(event)
        return 1 + own_size + sum(self.size_of(entry[1]) for _, (holder, entry)
                                  in node.effective() if holder is not node)

    def size_of(self, node: Node) -> int:
        target = resolve(node)
        return self.expanded.get(target, 1)

    def counted(self, node: Node, size: int, event: Any) -> int:
        """Remember a collection's expanded size; refuse when aliases add too much."""
        self.expanded[node] = size
        if self.bounded and size - self.written > MAX_VALUES:
            self.expansion(event)
        return size

    def expansion(self, event: Any) -> None:
        raise ExpansionError(list(self.path), self.document.file, event.start_mark.line + 1)
