"""Text -> node tree, with ruamel.yaml's C parser (libyaml, from `ruamel.yaml.clib`) or its
pure-Python parser (`pure`, reading what libyaml reads).

Both parsers produce the same events with the same character offsets; one composer turns those
events into the tree of `nodes`. `UPSUN_MIGRATOR_YAML=pure` forces the pure-Python parser (tests
run the suite both ways); without `ruamel.yaml.clib` it is the only one. Everything a
configuration file has no business holding is refused here with `file:line:column`.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import accumulate
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError

from migrator.errors import InputError
from migrator.yamltext.compose import MAX_DEPTH, UNSUPPORTED_VERSION, Composer
from migrator.yamltext.document import Document
from migrator.yamltext.pure import PureSource
from migrator.yamltext.scalars import PLATFORM_TAGS
from migrator.yamltext.tabs import (
    MAX_TABS,
    TAB,
    refuse_tabs_in_block_indentation,
    restore_tabs,
    separating_tab,
    stopped_tab,
)

try:
    from _ruamel_yaml import CParser  # ruamel.yaml.clib: libyaml
except ImportError:  # pragma: no cover - depends on the platform's wheel
    CParser = None

__all__ = ["MAX_BYTES", "MAX_DEPTH", "PLATFORM_TAGS", "Document", "parse"]

MAX_BYTES = 5 * 1024 * 1024
_UNICODE_LINE_BREAK = re.compile("[\x85\u2028\u2029]")
_LONE_CARRIAGE_RETURN = re.compile("\r(?!\n)")
_EXPECTED = re.compile(r"expected (.*?), but (?:got|found) .*?(?= \(while|$)")
_DUPLICATE_HANDLE = re.compile(r"duplicate tag handle .*")


def parser_name() -> str:
    """`c` (ruamel.yaml's C parser, libyaml) unless it is missing or `UPSUN_MIGRATOR_YAML=pure`
    asks for the pure-Python fallback."""
    if os.environ.get("UPSUN_MIGRATOR_YAML") == "pure" or CParser is None:
        return "pure"
    return "c"


def _event_source(text: str, kind: str) -> Any:
    return CParser(text) if kind == "c" else PureSource(text)


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
    with gc_paused():
        document, kind = _composed(file, text, line_starts, bounded, max_depth)
    if kind == "pure" and "\t" in text:
        refuse_tabs_in_block_indentation(document)
    return document


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused meanwhile (and left paused if it was). The node
    trees, the data built from them and the edits hold no reference cycles, yet the collector
    walks the objects still alive each time enough new ones were made: while a tree grows it
    would walk it again and again. What a cycle holds is collected once it is back on."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _composed(file: str, text: str, line_starts: list[int], bounded: bool,
              max_depth: int) -> tuple[Document, str]:
    """The document and the parser that read it. ruamel.yaml.clib bundles libyaml 0.1.7,
    which refuses what later libyaml and the pure-Python parser read (a `:` or a `?` inside a
    plain scalar of a flow collection: `{upstream: app:http}`); where it refuses, the
    pure-Python parser reads the text again; if that refuses too, the error reported is the
    one further in the text, libyaml's where both stop at the same place."""
    kind = parser_name()
    try:
        return _composed_with(Document(file, text, None, line_starts), kind, bounded,
                              max_depth), kind
    except MarkedYAMLError as exc:
        if kind == "pure":
            raise _marked_error(exc, file, text, pure=True) from None
        refusal = exc
    except YAMLError as exc:
        raise _reader_error(exc, file, text) from None
    try:
        return _composed_with(Document(file, text, None, line_starts), "pure", bounded,
                              max_depth), "pure"
    except MarkedYAMLError as exc:
        if _reach(exc) > _reach(refusal):  # libyaml 0.1.7 stopped early
            raise _marked_error(exc, file, text, pure=True) from None
    except YAMLError:
        pass
    raise _marked_error(refusal, file, text, pure=False) from None


def _reach(exc: Any) -> int:
    mark = exc.problem_mark or exc.context_mark
    return int(mark.index) if mark is not None else -1


def _composed_with(document: Document, kind: str, bounded: bool, max_depth: int) -> Document:
    """The document composed from the parser's events; with the pure-Python parser, a tab
    it stops at where libyaml reads a space is read as one, and the parse starts again."""
    text, file = document.text, document.file
    read, tabs = text, list[int]()
    while True:
        source: Any = None
        try:
            source = _event_source(read, kind)
            Composer(source, document, bounded, max_depth).compose()
            break
        except MarkedYAMLError as exc:
            tab = separating_tab(source.scanner, exc, read) if kind == "pure" else None
            if tab is None:
                raise
            if len(tabs) >= MAX_TABS:
                raise _marked_error(exc, file, text, pure=True, many_tabs=True) from None
            tabs.append(tab)
            read = read[:tab] + " " + read[tab + 1:]
            document = Document(file, text, None, document.line_starts)
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
    found = _UNICODE_LINE_BREAK.search(text)
    if found is not None:
        line_start = text.rfind("\n", 0, found.start()) + 1
        raise InputError(f"Unicode line separator U+{ord(found.group()):04X}: YAML versions and "
                         "parsers disagree on it; use a plain line break, or the escape in a "
                         "double-quoted string", file, text.count("\n", 0, found.start()) + 1,
                         found.start() - line_start + 1)


def _refuse_lone_carriage_returns(text: str, file: str) -> None:
    if text.count("\r") == text.count("\r\n"):
        return
    found = _LONE_CARRIAGE_RETURN.search(text)
    if found is not None:
        raise InputError("carriage return that does not end a line (use \\n or \\r\\n line "
                         "ends)", file, text.count("\n", 0, found.start()) + 1)


def marked_problem(exc: Any) -> tuple[str, int | None, int | None]:
    """A parser error's problem (saying where its context started when that is another line)
    and its 1-based line and column."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    if exc.problem and exc.context and exc.context_mark and exc.problem_mark \
            and exc.context_mark.line != exc.problem_mark.line:
        problem = f"{problem} ({exc.context} started at line {exc.context_mark.line + 1})"
    if "\\t" in problem or "'\\t'" in str(exc):
        problem = TAB
    return problem, mark.line + 1 if mark else None, mark.column + 1 if mark else None


def _marked_error(exc: Any, file: str, text: str, pure: bool,
                  many_tabs: bool = False) -> InputError:
    """The parser's error, worded as libyaml words it. A tab the pure-Python parser stopped
    at, or just after, is named as libyaml names it."""
    mark = exc.problem_mark
    tab = stopped_tab(exc, text) if pure else \
        (mark.index if mark is not None and text[mark.index:mark.index + 1] == "\t" else None)
    if tab is not None:
        more = f" (after {MAX_TABS} others: the pure-Python parser, used where libyaml is " \
            "missing, reads each one in a parse of its own; replace them with spaces)" \
            if many_tabs else ""
        line_start = text.rfind("\n", 0, tab) + 1
        return InputError(TAB + more, file, text.count("\n", 0, tab) + 1, tab - line_start + 1)
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
    found = _EXPECTED.match(problem)
    if found is not None:
        problem = f"did not find expected {found.group(1)}" + problem[found.end():]
    if problem.startswith("found incompatible YAML document"):
        return UNSUPPORTED_VERSION
    if _DUPLICATE_HANDLE.fullmatch(problem):
        return "found duplicate %TAG directive"
    return problem.replace("mapping values are not allowed here",
                           "mapping values are not allowed in this context") \
        .replace("found duplicate YAML directive", "found duplicate %YAML directive")

