"""How a scalar's text reads: nulls, booleans and numbers as YAML 1.2's core schema has them
(with `_` in numbers, as the engine always read them), the core tags that say how to read a
text (`!!int "8"`), and where YAML 1.1 (a `%YAML 1.1` directive) reads a text otherwise."""

from __future__ import annotations

import re
from typing import Any

NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
          "FALSE": False}
#: YAML 1.2 core numbers; a plain scalar can be one only if it starts with one of _NUMBER_START
INT = re.compile(r"[-+]?[0-9][0-9_]*|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?"
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


def core_tag_problem(text: str, tag: str | None) -> str | None:
    """Why a core tag does not fit a scalar's text (`!!int abc`), or None when it does."""
    if tag is None or tag in PLATFORM_TAGS or tag == CORE + "str":
        return None
    wanted = SCALAR_TAGS.get(tag)
    if wanted is None:
        return f"!!{tag[len(CORE):]} is not supported on a value (core tags: !!str, !!int, " \
            "!!float, !!bool, !!null)" if tag.startswith(CORE) else None
    value = implicit(text)
    fits = {CORE + "int": isinstance(value, int) and not isinstance(value, bool),
            CORE + "float": isinstance(value, (int, float)) and not isinstance(value, bool),
            CORE + "bool": isinstance(value, bool), NULL_TAG: value is None}[tag]
    return None if fits else f"!!{tag[len(CORE):]} {text!r} is not {wanted}"


def implicit(text: str) -> Any:
    """A plain scalar's value: null, a boolean, a number, or the text."""
    if text in NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if text[0] not in _NUMBER_START:
        return text
    if text.isdigit() and text.isascii():  # the common number, without a pattern
        return int(text)
    if INT.fullmatch(text):
        return int(text[2:], 8 if text[1] == "o" else 16) if text.startswith(("0o", "0x")) \
            else int(text.replace("_", ""))
    if _FLOAT.fullmatch(text):
        try:
            return float(text.replace("_", "").replace(".inf", "inf")
                         .replace(".Inf", "inf").replace(".INF", "inf"))
        except ValueError:
            return text
    return text


_YAML11_BOOLS = frozenset(["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on",
                           "On", "ON", "off", "Off", "OFF"])
_YAML11_BASES = re.compile(r"[-+]?(0b[01_]+|[1-9][0-9_]*(:[0-5]?[0-9])+)")  # binary, base 60


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
    if _YAML11_BASES.fullmatch(text):
        return "a number"
    if digits.isdigit() and len(digits) > 1 and digits[0] == "0":
        return "a number in base 8" if set(digits) <= set("01234567_") else "a string"
    value = implicit(text)
    if isinstance(value, int) and not isinstance(value, bool) and digits.startswith("0o"):
        return "a string"
    if isinstance(value, float) and "." not in text:
        return "a string"
    return None
