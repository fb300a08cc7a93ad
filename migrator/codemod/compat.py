"""Will the rewritten file still parse on the app's Python? Before 3.12 (PEP 701) an f-string's
expressions cannot hold the quote character that delimits the f-string; the codemod runs on
a newer Python than some apps, so `compile()` alone would not see it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

import libcst as cst
import libcst.matchers as m

QUOTES = ('"', "'")


class Parsed(NamedTuple):
    """A module's text and the f-strings of its tree."""

    code: str
    fstrings: Sequence[cst.FormattedString]


def quote_of(node: cst.FormattedString) -> str:
    return node.start.lstrip("rRfFbBuU")[0]


def requote(text: str, enclosing: set[str]) -> str | None:
    """`text` (double-quoted literals only) with quotes none of the enclosing f-strings use;
    None when they use both."""
    free = [q for q in QUOTES if q not in enclosing]
    if not free:
        return None
    return text if free[0] == '"' else text.replace('"', free[0])


def clashes(fstrings: Iterable[cst.FormattedString]) -> int:
    """How many string literals sit inside one of `fstrings` delimited by their own quote
    character."""
    count = 0
    for found in fstrings:
        quote = quote_of(found)
        for part in found.parts:
            if isinstance(part, cst.FormattedStringExpression):
                count += sum(_quote(s) == quote for s in m.findall(
                    part.expression, m.SimpleString() | m.FormattedString()))
    return count


def fstrings(node: cst.CSTNode) -> list[cst.FormattedString]:
    return [f for f in m.findall(node, m.FormattedString()) if isinstance(f, cst.FormattedString)]


def _quote(node: cst.CSTNode) -> str | None:
    if isinstance(node, cst.FormattedString):
        return quote_of(node)
    if isinstance(node, cst.SimpleString):
        return node.quote[0]
    return None


def breaks(old: Parsed, new: Parsed, filename: str) -> str | None:
    """Why the rewritten module would not parse where the original did (on this interpreter
    or before 3.12), or None. Each module comes with its f-strings, so that neither is walked
    again; the rewritten text is compiled, the original only when that fails."""
    if clashes(new.fstrings) > clashes(old.fstrings):
        return "an f-string would hold its own quote character (a SyntaxError before Python 3.12)"
    try:
        compile(new.code, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        try:
            compile(old.code, filename, "exec", dont_inherit=True)
        except SyntaxError:
            return None
        return f"the rewrite would not compile: {exc.msg} (line {exc.lineno})"
    return None
