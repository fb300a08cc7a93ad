"""Short one-line renderings of values, for reports and for text the rules write."""

from __future__ import annotations

import re
from typing import Any

from migrator.escape import dumps, visible
from migrator.yamltext.nodes import Scalar, Tagged, scalar_value

_PLAIN = re.compile(r"^[A-Za-z0-9_/.$^(\\][^:#,{}\[\]&*!|>'\"%@`]*$")


def scalar(value: Any) -> str:
    """A scalar as YAML flow text: plain when that reads back as the same string."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and isinstance(_plain_value(text), str) and text == text.strip() \
            and visible(text) == text and " #" not in text:
        return text
    return dumps(text)  # JSON's escapes are YAML's: control characters, U+2028, ... escaped


LIMIT = 2000


def flow(value: Any) -> str:
    """A value as one line of YAML flow text (cut after LIMIT characters: values shared through
    aliases can be enormous when written out)."""
    parts: list[str] = []
    _flow(value, parts, [0])
    text = "".join(parts)
    return text if len(text) <= LIMIT else text[:LIMIT] + " ..."


def _flow(value: Any, parts: list[str], size: list[int]) -> None:
    if size[0] > LIMIT:
        return
    if isinstance(value, Tagged):
        parts.append(f"{value.tag} ")
        _flow(value.value, parts, size)
    elif isinstance(value, (dict, list)):
        parts.append("{" if isinstance(value, dict) else "[")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for index, (key, item) in enumerate(items):
            parts.append(", " if index else "")
            if isinstance(value, dict):
                parts.append(f"{scalar(key)}: ")
            _flow(item, parts, size)
            if size[0] > LIMIT:
                break
        parts.append("}" if isinstance(value, dict) else "]")
    else:
        parts.append(scalar(value))
    size[0] += len(parts[-1])


def _plain_value(text: str) -> Any:
    return scalar_value(Scalar(0, 0, None, None, text, ""))
