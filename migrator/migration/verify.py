"""Prove each run: the edited text parses, and holds exactly what the legacy files held, apart
from the values the rules said they changed, which hold what the rules said they would.

A difference is a bug in a rule or in the editor: an internal error, and nothing is written.
"""

from __future__ import annotations

from typing import Any

from migrator.errors import MigratorError
from migrator.legacy.model import UPSUN_CONFIG
from migrator.migration.sharing import shared_refusal
from migrator.rules.context import MISSING, MigrationContext
from migrator.yamltext.compose import MAX_DEPTH
from migrator.yamltext.nodes import to_data
from migrator.yamltext.parse import Document, parse


class EngineError(Exception):
    """The edited configuration is not what the rules meant: a bug, never the user's input."""


def prove(ctx: MigrationContext, text: str) -> tuple[Document, dict[str, Any]]:
    try:
        # the legacy documents were bounded as they were read, and nested a few levels deeper
        document = parse(text.replace("\r\n", "\n"), UPSUN_CONFIG, bounded=False,
                         max_depth=MAX_DEPTH + 8)
    except MigratorError as exc:
        raise EngineError(f"the edited configuration does not parse ({exc})") from None
    output = to_data(document.root) if document.root is not None else {}
    if not isinstance(output, dict):
        raise EngineError("the edited configuration is not a mapping")
    expected = expected_data(ctx)
    difference = _difference(expected, output, (), _Pairs())
    if difference is not None:

        refusal = shared_refusal(ctx, difference[0])
        if refusal is not None:
            raise refusal
        raise EngineError(f"the edited configuration differs from what the rules recorded at "
                          f"{difference[1]}")
    return document, output


def expected_data(ctx: MigrationContext) -> dict[str, Any]:
    """The legacy values, nested as Upsun wants them, with every recorded change applied."""
    project = ctx.project
    apps = {app.name: to_data(app.mapping) for app in project.apps}
    data: dict[str, Any] = {"applications": apps}
    for key, document in (("services", project.services), ("routes", project.routes)):
        if document is not None and document.node.pairs:
            data[key] = to_data(document.node)
    copied: dict[tuple[str, ...], dict[str, Any]] = {(): data}
    for path, value in ctx.expected:
        _set(copied, path, value)
    return data


def _set(copied: dict[tuple[str, ...], dict[str, Any]], path: tuple[str, ...],
         value: Any) -> None:
    """Set one path. Aliased values are shared and an expectation speaks for its own path
    only, so the containers along it are copied, each once: `copied` holds the copies made,
    by path (the whole data under `()`)."""
    holder = copied[()]
    for depth, key in enumerate(path[:-1], 1):
        own = copied.get(path[:depth])
        current = holder.get(key)
        if own is None or not _same(current, own):
            if key not in holder and value is MISSING:
                return
            child = {} if key not in holder else current
            if not isinstance(child, dict):
                return
            own = dict(child)
            copied[path[:depth]] = holder[key] = own
        holder = own
    if value is MISSING:
        holder.pop(path[-1], None)
    else:
        holder[path[-1]] = value


def _same(left: object, right: object) -> bool:
    return left is right


def _difference(expected: Any, actual: Any, path: tuple[Any, ...],
                seen: _Pairs) -> tuple[tuple[Any, ...], str] | None:
    """The path where two values first differ, and that place described."""
    if isinstance(expected, (dict, list)) and isinstance(actual, (dict, list)) \
            and not seen.add(expected, actual):
        return None  # this pair of shared values (aliases) was compared already
    if isinstance(expected, dict) and isinstance(actual, dict):
        if set(expected) != set(actual):
            missing = sorted(set(expected) - set(actual), key=str)
            extra = sorted(set(actual) - set(expected), key=str)
            return path, f"{_where(path)}: missing {missing}, unexpected {extra}"
        for key in expected:
            found = _difference(expected[key], actual[key], (*path, key), seen)
            if found is not None:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            found = _difference(left, right, (*path, index), seen)
            if found is not None:
                return found
        return None
    if expected != actual or type(expected) is not type(actual):
        return path, f"{_where(path)}: expected {_short(expected)}, found {_short(actual)}"
    return None


def _where(path: tuple[Any, ...]) -> str:
    return ".".join(map(str, path)) or "(top level)"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "..."


class _Pairs:
    """Pairs of containers already compared. The containers are held here, so the ids used as
    keys cannot be reused by other objects while this exists."""

    def __init__(self) -> None:
        self.pinned: list[tuple[Any, Any]] = []
        self.keys: set[tuple[int, int]] = set()

    def add(self, left: Any, right: Any) -> bool:
        key = (id(left), id(right))
        if key in self.keys:
            return False
        self.keys.add(key)
        self.pinned.append((left, right))
        return True
