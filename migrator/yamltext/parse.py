"""Text -> node tree, with libyaml (through PyYAML) or PyYAML's pure-Python port of it.

Both parsers produce the same events with the same character offsets; one composer turns those
events into the tree of `nodes`. `UPSUN_MIGRATOR_YAML=pure` forces the pure-Python parser (tests
run the suite both ways); without libyaml it is the only one. Everything a configuration file
has no business holding is refused here with `file:line:column`.
"""

from __future__ import annotations

import _thread
import os
import re
import sys
from itertools import accumulate

from migrator.errors import InputError
from migrator.yamltext.nodes import (
    INT_PATTERN,
    Alias,
    Mapping,
    Node,
    Scalar,
    Sequence,
    is_merge_key,
    resolve,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PLATFORM_TAGS = frozenset({"!include", "!archive"})
MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 200
#: Scalars longer than this may be integers beyond Python's int/str conversion limit (4,300
#: digits unless set otherwise; 0: none); a hex integer has more decimal digits than characters,
#: so half the limit is where checking starts.
_LONG = (sys.get_int_max_str_digits() or sys.maxsize) // 2
_UNICODE_LINE_BREAK = "[\x85\u2028\u2029]"


class Document:
    """One parsed file: its text, its root node and where its lines start; whether it holds an
    alias (`*name`) and a Platform.sh tag (`!include`, `!archive`), so that the walks looking
    for them can be skipped when there is none."""

    __slots__ = ("file", "text", "root", "line_starts", "explicit_start", "aliased", "tagged")

    def __init__(self, file: str, text: str, root: Node | None, line_starts: list[int],
                 explicit_start: bool = False) -> None:
        self.file, self.text, self.root = file, text, root
        self.line_starts, self.explicit_start = line_starts, explicit_start
        self.aliased = self.tagged = False

    def line(self, offset: int) -> int:
        """1-based line of an offset."""
        from bisect import bisect_right

        return bisect_right(self.line_starts, offset)

    def column(self, offset: int) -> int:
        """0-based column of an offset."""
        return offset - self.line_starts[self.line(offset) - 1]


def parser_name() -> str:
    """`c` (libyaml) unless it is missing or `UPSUN_MIGRATOR_YAML=pure` asks for the fallback."""
    if os.environ.get("UPSUN_MIGRATOR_YAML") == "pure" or _libyaml_parser() is None:
        return "pure"
    return "c"


_LIBYAML: list[Any] = []  # [libyaml's parser class, or None without it] once looked up
_LOOKUP = _thread.allocate_lock()
# PyYAML's pure-Python modules of which libyaml's binding reads only an error class: module ->
# (class, its base class in yaml.error). Importing them with the rest of the package costs about
# 10 ms (regular expressions for the pure-Python reader, resolver and constructor, datetime,
# base64, 209 kB of source).
_STANDING_IN = {"reader": ("ReaderError", "YAMLError"),
                "scanner": ("ScannerError", "MarkedYAMLError"),
                "parser": ("ParserError", "MarkedYAMLError"),
                "composer": ("ComposerError", "MarkedYAMLError"),
                "constructor": ("ConstructorError", "MarkedYAMLError"),
                "emitter": ("EmitterError", "YAMLError"),
                "serializer": ("SerializerError", "YAMLError"),
                "representer": ("RepresenterError", "YAMLError")}
_LIGHT = ("tokens", "events", "nodes")  # whose classes the binding builds


def _libyaml_parser() -> Any:
    if not _LIBYAML:
        with _LOOKUP:  # two threads parsing their first file: one imports, the other waits
            if not _LIBYAML:
                if "yaml" not in sys.modules:
                    _import_binding_alone()
                try:
                    from yaml._yaml import CParser
                except ImportError:  # pragma: no cover - depends on the platform's wheel
                    _LIBYAML.append(None)
                else:
                    _LIBYAML.append(CParser)
    return _LIBYAML[0]


def _import_binding_alone() -> None:
    """Import libyaml's binding (`yaml._yaml`) without running PyYAML's `__init__`.

    The binding takes PyYAML's error, token, event and node classes when it is imported, and
    `import yaml` runs the whole pure-Python package first: about 10 ms of a 70 ms `migrate`,
    code that parsing with libyaml never runs. So the package is created without running its
    `__init__`, the modules of tokens, events, nodes and errors are imported for real, and the
    others are stood in for by their error class while the binding is imported, then forgotten.
    The package runs its `__init__` the first time it is asked for a name it lacks (PEP 562):
    an `import yaml` elsewhere in the process still gets all of PyYAML (an error libyaml raises
    is then a `yaml.YAMLError` or `yaml.MarkedYAMLError`, not `yaml.scanner.ScannerError`). If
    any step fails (a PyYAML that reads more), it is undone and the binding is imported the
    usual way.
    """
    from importlib.machinery import PathFinder  # importlib.util costs 0.6 ms more to import
    from types import ModuleType

    spec = PathFinder.find_spec("yaml")
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return  # a PyYAML only a finder of its own finds: the usual import
    loader = spec.loader
    package = ModuleType("yaml")  # the attributes importlib.util.module_from_spec sets
    package.__spec__, package.__loader__, package.__package__ = spec, loader, "yaml"
    package.__path__ = list(spec.submodule_search_locations)
    package.__file__ = spec.origin
    vars(package)["__cached__"] = spec.cached
    before = set(sys.modules)
    sys.modules["yaml"] = package
    try:
        from yaml import error
        for name, (error_class, base) in _STANDING_IN.items():
            module = ModuleType(f"yaml.{name}")
            setattr(module, error_class, type(error_class, (getattr(error, base),),
                                              {"__module__": module.__name__}))
            sys.modules[module.__name__] = package.__dict__[name] = module
        for name in _LIGHT:
            __import__(f"yaml.{name}")
        __import__("yaml._yaml")
    except Exception:  # noqa: BLE001 - any failure means: import PyYAML the usual way
        for name in set(sys.modules) - before:
            if name == "yaml" or name.startswith("yaml."):
                del sys.modules[name]
        return
    finally:
        for name in _STANDING_IN:
            package.__dict__.pop(name, None)
            if sys.modules.get(f"yaml.{name}") is not None:
                del sys.modules[f"yaml.{name}"]

    lock, running = _thread.allocate_lock(), list[int]()  # the thread running the __init__

    def run_init(name: str) -> Any:
        """Run the package's `__init__` once (other threads wait for it, as they would for an
        import), then answer as a module does; the `__init__` asking for a name it has not
        defined yet gets AttributeError, as in a plain import."""
        if running != [_thread.get_ident()]:
            with lock:
                if package.__dict__.get("__getattr__") is run_init:
                    running.append(_thread.get_ident())
                    try:
                        loader.exec_module(package)
                        del package.__dict__["__getattr__"]
                    finally:
                        running.clear()
        if name in package.__dict__:
            return package.__dict__[name]
        raise AttributeError(f"module 'yaml' has no attribute {name!r}")

    package.__dict__["__getattr__"] = run_init


def _event_source(text: str, kind: str) -> Any:
    if kind == "c":
        return _libyaml_parser()(text)
    from yaml import BaseLoader

    return BaseLoader(text)


def decode(data: bytes, file: str) -> str:
    """Bytes of a legacy file -> text, refusing what is not a small UTF-8 text file."""
    if len(data) > MAX_BYTES:
        raise InputError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MB", file)
    if b"\0" in data:
        raise InputError("binary file (contains NUL bytes)", file)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("not valid UTF-8", file, data[: exc.start].count(b"\n") + 1) from None
    return text.removeprefix("\ufeff")


def parse(text: str, file: str) -> Document:
    """Parse one YAML document; every problem becomes an InputError with file:line:column."""
    refuse_unicode_line_breaks(text, file)
    _refuse_lone_carriage_returns(text, file)
    line_starts = [0, *accumulate(len(line) + 1 for line in text.split("\n")[:-1])]
    document = Document(file, text, None, line_starts)
    kind = parser_name()  # before `yaml.error`: libyaml's binding is imported on its own
    from yaml.error import MarkedYAMLError, YAMLError

    source = None
    try:
        source = _event_source(text, kind)
        _Composer(source, document).compose()
    except MarkedYAMLError as exc:
        raise _marked_error(exc, file, text) from None
    except YAMLError as exc:
        raise _reader_error(exc, file, text) from None
    finally:
        if source is not None:
            source.dispose()
    return document


class _Composer:
    def __init__(self, source: Any, document: Document) -> None:
        self.source = source
        self.document = document
        self.anchors: dict[str, Node | None] = {}  # None: anchored node still being composed

    def compose(self) -> None:
        self.source.get_event()  # StreamStart
        event = self.source.get_event()
        if type(event).__name__ == "StreamEndEvent":
            return
        self.document.explicit_start = bool(event.explicit)
        self.document.root = self.node(self.source.get_event(), 0)
        self.source.get_event()  # DocumentEnd
        event = self.source.get_event()
        if type(event).__name__ != "StreamEndEvent":
            self.fail("a second YAML document in one file is not supported", event.start_mark)

    def fail(self, message: str, mark: Any) -> None:
        raise InputError(message, self.document.file, mark.line + 1, mark.column + 1)

    def node(self, event: Any, depth: int) -> Node:
        if depth > MAX_DEPTH:
            self.fail("YAML nested too deeply", event.start_mark)
        kind = type(event).__name__  # names, not classes: PyYAML's modules may be imported anew
        if kind == "ScalarEvent" and event.tag is None and event.anchor is None \
                and not event.style:  # most nodes: a plain scalar, no tag, no anchor
            if len(event.value) > _LONG:
                self.integer_in_reach(event)
            return Scalar(event.start_mark.index, event.end_mark.index, None, None, event.value,
                          "")
        if kind == "AliasEvent":
            return self.alias(event)
        tag = event.tag if event.tag not in ("!", None) else None
        if tag in PLATFORM_TAGS:
            self.document.tagged = True
        elif tag is not None and not tag.startswith("tag:yaml.org,2002:"):
            self.fail(f"unknown tag {tag} (only !include and !archive are supported)",
                      event.start_mark)
        if event.anchor is not None:
            if event.anchor in self.anchors:
                self.fail(f"anchor &{event.anchor} is defined twice", event.start_mark)
            self.anchors[event.anchor] = None
        start = event.start_mark.index
        if kind == "ScalarEvent" and len(event.value) > _LONG and \
                (tag == "tag:yaml.org,2002:int" or (tag is None and not event.style)):
            self.integer_in_reach(event)
        if kind == "ScalarEvent":
            built: Node = Scalar(start, self.scalar_end(event), tag, event.anchor, event.value,
                                 event.style or "")
        elif kind == "SequenceStartEvent":
            built = self.sequence(event, tag, depth)
        else:
            built = self.mapping(event, tag, depth)
        if event.anchor is not None:
            self.anchors[event.anchor] = built
        return built

    def integer_in_reach(self, event: Any) -> None:
        """Refuse an integer that Python cannot turn into text and back (more digits than
        `sys.get_int_max_str_digits()`, 4,300 unless set otherwise): every report, comparison
        and check of the run would fail on it."""
        text, limit = event.value, sys.get_int_max_str_digits()
        if not limit or not re.fullmatch(INT_PATTERN, text):
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

    def alias(self, event: Any) -> Node:
        if event.anchor not in self.anchors:
            self.fail(f"alias *{event.anchor} names no anchor", event.start_mark)
        target = self.anchors[event.anchor]
        if target is None:
            self.fail(f"alias *{event.anchor} stands inside the collection it names (a "
                      "recursive structure)", event.start_mark)
        assert target is not None
        self.document.aliased = True
        return Alias(event.start_mark.index, event.end_mark.index, None, None, target)

    def sequence(self, event: Any, tag: str | None, depth: int) -> Sequence:
        node = Sequence(event.start_mark.index, 0, tag, event.anchor, bool(event.flow_style))
        items, get_event = node.items, self.source.get_event
        while True:
            item = get_event()
            if type(item).__name__ == "SequenceEndEvent":
                break
            items.append(self.node(item, depth + 1))
        node.end = item.end_mark.index if node.flow else \
            (items[-1].end if items else event.end_mark.index)
        return node

    def mapping(self, event: Any, tag: str | None, depth: int) -> Mapping:
        node = Mapping(event.start_mark.index, 0, tag, event.anchor, bool(event.flow_style))
        pairs, get_event = node.pairs, self.source.get_event
        seen: set[str] = set()
        while True:
            key_event = get_event()
            if type(key_event).__name__ == "MappingEndEvent":
                break
            key = self.node(key_event, depth + 1)
            if type(key) is not Scalar:
                self.fail("a key that is a mapping, a list or an alias is not supported (keys "
                          "of a configuration are names)", key_event.start_mark)
            assert isinstance(key, Scalar)
            merge = is_merge_key(key)
            if key.value in seen and not merge:
                self.fail(f"duplicate key {key.value!r}", key_event.start_mark)
            seen.add(key.value)
            value = self.node(get_event(), depth + 1)
            pairs.append((key, value))
            if merge:
                self.merge(node, value, key_event)
        node.end = key_event.end_mark.index if node.flow else \
            (pairs[-1][1].end if pairs else event.end_mark.index)
        return node

    def merge(self, node: Mapping, value: Node, event: Any) -> None:
        sources = resolve(value)
        items = sources.items if isinstance(sources, Sequence) else [sources]
        for item in items:
            target = resolve(item)
            if not isinstance(target, Mapping):
                self.fail("`<<` must merge a mapping or a list of mappings", event.start_mark)
            assert isinstance(target, Mapping)
            node.merges.append(target)


def refuse_unicode_line_breaks(text: str, file: str) -> None:
    """U+0085, U+2028, U+2029 are line breaks in YAML 1.1 and not in 1.2: parsers disagree on
    them (ruamel.yaml could even write back a different value), so refuse, don't guess."""
    if "\x85" not in text and "\u2028" not in text and "\u2029" not in text:
        return
    found = re.search(_UNICODE_LINE_BREAK, text)
    if found is not None:
        line_start = text.rfind("\n", 0, found.start()) + 1
        raise InputError(f"Unicode line separator U+{ord(found.group()):04X}: YAML versions and "
                         "parsers disagree on it; use a plain line break, or the escape in a "
                         "double-quoted string", file, text.count("\n", 0, found.start()) + 1,
                         found.start() - line_start + 1)


def _refuse_lone_carriage_returns(text: str, file: str) -> None:
    if text.count("\r") == text.count("\r\n"):
        return
    found = re.search("\r(?!\n)", text)
    if found is not None:
        raise InputError("carriage return that does not end a line (use \\n or \\r\\n line "
                         "ends)", file, text.count("\n", 0, found.start()) + 1)


TAB = "tab character where YAML expects spaces"


def marked_problem(exc: Any) -> tuple[str, int | None, int | None]:
    """A parser error's problem (saying where its context started when that is another line)
    and its 1-based line and column. PyYAML's errors and ruamel.yaml's (for `validate`) have
    the same fields."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    if exc.problem and exc.context and exc.context_mark and exc.problem_mark \
            and exc.context_mark.line != exc.problem_mark.line:
        problem = f"{problem} ({exc.context} started at line {exc.context_mark.line + 1})"
    if "\\t" in problem or "'\\t'" in str(exc):
        problem = TAB
    return problem, mark.line + 1 if mark else None, mark.column + 1 if mark else None


def _marked_error(exc: Any, file: str, text: str) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        return InputError(TAB, file, mark.line + 1, mark.column + 1)
    problem, line, column = marked_problem(exc)
    if "tab" in problem:
        problem = TAB
    return InputError(_libyaml_wording(problem.strip()), file, line, column)


def _reader_error(exc: Any, file: str, text: str) -> InputError:
    """A reader error's arguments are (name, position, code point, encoding, reason); libyaml
    counts the position in bytes, the pure-Python reader in characters, so the character is
    looked up: the reader stops at its first occurrence."""
    code = exc.args[2] if len(exc.args) == 5 else None
    offset = text.find(chr(code)) if isinstance(code, int) and 0 <= code < 0x110000 else -1
    if offset < 0:
        return InputError(f"invalid YAML: {' '.join(str(exc).split())}", file)
    line_start = text.rfind("\n", 0, offset) + 1
    return InputError(f"character U+{code:04X} is not allowed in YAML (write it as an escape in "
                      "a double-quoted string)", file, text.count("\n", 0, offset) + 1,
                      offset - line_start + 1)


def _libyaml_wording(problem: str) -> str:
    """The pure-Python parser words some errors differently from libyaml; one wording for both."""
    found = re.match(r"expected (.*?), but (?:got|found) .*?(?= \(while|$)", problem)
    if found is not None:
        problem = f"did not find expected {found.group(1)}" + problem[found.end():]
    return problem.replace("mapping values are not allowed here",
                           "mapping values are not allowed in this context")
