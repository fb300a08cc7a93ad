"""Text -> node tree, with libyaml (through PyYAML) or PyYAML's pure-Python port of it.

Both parsers produce the same events with the same character offsets; one composer turns those
events into the tree of `nodes`. `UPSUN_MIGRATOR_YAML=pure` forces the pure-Python parser (tests
run the suite both ways); without libyaml it is the only one. Everything a configuration file
has no business holding is refused here with `file:line:column`.
"""

from __future__ import annotations

import _thread
import gc
import os
import re
import sys
from bisect import bisect_right
from itertools import accumulate

from migrator.errors import InputError
from migrator.yamltext.compose import MAX_DEPTH, UNSUPPORTED_VERSION, Composer
from migrator.yamltext.nodes import Alias, Node
from migrator.yamltext.scalars import PLATFORM_TAGS
from migrator.yamltext.tabs import (
    MAX_TABS,
    TAB,
    refuse_tabs_in_block_indentation,
    restore_tabs,
    separating_tab,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["MAX_BYTES", "MAX_DEPTH", "PLATFORM_TAGS", "Document", "parse"]

MAX_BYTES = 5 * 1024 * 1024
_UNICODE_LINE_BREAK = "[\x85\u2028\u2029]"


class Document:
    """One parsed file: its text, its root node and where its lines start; whether it holds an
    alias (`*name`) and a Platform.sh tag (`!include`, `!archive`), so that the walks looking
    for them can be skipped when there is none; its anchors and aliases; the spans of its
    explicit markers (directives and `---`, and `...`), its `%YAML` version and `%TAG`
    handles. What the editor derives from the tree is kept here once computed: the spans of
    the scalars (`edits.scalar_spans`) and each node's parent (`edits.parent_of`)."""

    __slots__ = ("file", "text", "root", "line_starts", "aliased", "tagged", "start_marker",
                 "end_marker", "version", "handles", "merge_tags", "anchors", "aliases", "nodes",
                 "spans", "parents")

    def __init__(self, file: str, text: str, root: Node | None, line_starts: list[int]) -> None:
        self.file, self.text, self.root = file, text, root
        self.line_starts = line_starts
        self.aliased = self.tagged = False
        self.start_marker: tuple[int, int] | None = None  # directives through `---`
        self.end_marker: tuple[int, int] | None = None  # `...`
        self.version: tuple[int, ...] | None = None
        self.handles: dict[str, str] = {}  # `%TAG` handle -> prefix
        self.merge_tags = False  # a `!!merge <<` key
        self.anchors: dict[str, Node] = {}
        self.aliases: list[Alias] = []  # in document order
        self.nodes = 0  # written in the text, keys included
        self.spans: tuple[list[int], list[tuple[int, int]]] | None = None
        self.parents: dict[Node, Node] | None = None

    def line(self, offset: int) -> int:
        """1-based line of an offset."""
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


def parse(text: str, file: str, bounded: bool = True, max_depth: int = MAX_DEPTH) -> Document:
    """Parse one YAML document; every problem becomes an InputError with file:line:column.
    `bounded`: aliases may add at most MAX_VALUES values (compose.Composer)."""
    refuse_unicode_line_breaks(text, file)
    _refuse_lone_carriage_returns(text, file)
    line_starts = [0, *accumulate(len(line) + 1 for line in text.split("\n")[:-1])]
    kind = parser_name()  # before `yaml.error`: libyaml's binding is imported on its own
    collecting = gc.isenabled()
    gc.disable()  # the tree holds no cycles: the collector would walk it again and again as
    try:  # it grows (a third of the time of a 2.5 MB file)
        document = _composed(Document(file, text, None, line_starts), kind, bounded, max_depth)
    finally:
        if collecting:
            gc.enable()
    if kind == "pure" and "\t" in text:
        refuse_tabs_in_block_indentation(document)
    return document


def _composed(document: Document, kind: str, bounded: bool, max_depth: int) -> Document:
    """The document composed from the parser's events; with the pure-Python parser, a tab
    it stops at where libyaml reads a space is read as one, and the parse starts again."""
    from yaml.error import MarkedYAMLError, YAMLError

    text, file = document.text, document.file
    read, tabs = text, list[int]()
    while True:
        source = None
        try:
            source = _event_source(read, kind)
            Composer(source, document, bounded, max_depth).compose()
            break
        except MarkedYAMLError as exc:
            tab = separating_tab(source, exc, read) if kind == "pure" else None
            if tab is None or len(tabs) >= MAX_TABS:
                raise _marked_error(exc, file, text, len(tabs) >= MAX_TABS) from None
            tabs.append(tab)
            read = read[:tab] + " " + read[tab + 1:]
            document = Document(file, text, None, document.line_starts)
        except YAMLError as exc:
            raise _reader_error(exc, file, text) from None
        finally:
            if source is not None:
                source.dispose()
    if tabs:
        restore_tabs(document, tabs)
    return document


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


def _marked_error(exc: Any, file: str, text: str, many_tabs: bool = False) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        more = f" (after {MAX_TABS} others: the pure-Python parser, used where libyaml is " \
            "missing, reads each one in a parse of its own; replace them with spaces)" \
            if many_tabs else ""
        return InputError(TAB + more, file, mark.line + 1, mark.column + 1)
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
    if problem.startswith("found incompatible YAML document"):
        return UNSUPPORTED_VERSION
    if re.fullmatch(r"duplicate tag handle .*", problem):
        return "found duplicate %TAG directive"
    return problem.replace("mapping values are not allowed here",
                           "mapping values are not allowed in this context") \
        .replace("found duplicate YAML directive", "found duplicate %YAML directive")

