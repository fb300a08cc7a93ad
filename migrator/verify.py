"""Prove each run: the edited text parses, and holds exactly what the legacy files held, apart
from the values the rules said they changed, which hold what the rules said they would.

A difference is a bug in a rule or in the editor: an internal error, and nothing is written.
"""

from __future__ import annotations

from migrator.context import MISSING, MigrationContext
from migrator.discovery import UPSUN_CONFIG
from migrator.errors import MigratorError
from migrator.yamltext.nodes import to_data
from migrator.yamltext.parse import Document, parse

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class EngineError(Exception):
    """The edited configuration is not what the rules meant: a bug, never the user's input."""


def prove(ctx: MigrationContext, text: str) -> tuple[Document, dict[str, Any]]:
    try:
        document = parse(text.replace("\r\n", "\n"), UPSUN_CONFIG)
    except MigratorError as exc:
        raise EngineError(f"the edited configuration does not parse ({exc})") from None
    output = to_data(document.root) if document.root is not None else {}
    if not isinstance(output, dict):
        raise EngineError("the edited configuration is not a mapping")
    expected = expected_data(ctx)
    difference = first_difference(expected, output, ())
    if difference is not None:
        raise EngineError(f"the edited configuration differs from what the rules recorded at "
                          f"{difference}")
    return document, output


def expected_data(ctx: MigrationContext) -> dict[str, Any]:
    """The legacy values, nested as Upsun wants them, with every recorded change applied."""
    project = ctx.project
    apps = {app.name: to_data(app.mapping) for app in project.apps}
    data: dict[str, Any] = {"applications": apps}
    for key, document in (("services", project.services), ("routes", project.routes)):
        if document is not None and document.node.pairs:
            data[key] = to_data(document.node)
    for path, value in ctx.expected:
        _set(data, path, value)
    return data


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set one path; the containers along it are copied first, since aliased values are
    shared and an expectation speaks for its own path only."""
    holder: Any = data
    for key in path[:-1]:
        if not isinstance(holder, dict) or (key not in holder and value is MISSING):
            return
        child = holder.get(key, {})
        if not isinstance(child, dict):
            return
        holder[key] = child = dict(child)
        holder = child
    if not isinstance(holder, dict):
        return
    if value is MISSING:
        holder.pop(path[-1], None)
    else:
        holder[path[-1]] = value


def first_difference(expected: Any, actual: Any, path: tuple[Any, ...],
                     seen: _Pairs | None = None) -> str | None:
    """A readable path to the first place two values differ, None when they are equal."""
    seen = _Pairs() if seen is None else seen
    if isinstance(expected, (dict, list)) and isinstance(actual, (dict, list)) \
            and not seen.add(expected, actual):
        return None  # this pair of shared values (aliases) was compared already
    if isinstance(expected, dict) and isinstance(actual, dict):
        if set(expected) != set(actual):
            missing = sorted(set(expected) - set(actual), key=str)
            extra = sorted(set(actual) - set(expected), key=str)
            return f"{_where(path)}: missing {missing}, unexpected {extra}"
        for key in expected:
            found = first_difference(expected[key], actual[key], (*path, key), seen)
            if found is not None:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            found = first_difference(left, right, (*path, index), seen)
            if found is not None:
                return found
        return None
    if expected != actual or type(expected) is not type(actual):
        return f"{_where(path)}: expected {_short(expected)}, found {_short(actual)}"
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
