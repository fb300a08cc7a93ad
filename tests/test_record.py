"""migrator.record.Record against typing.NamedTuple, the behaviour it stands in for: each case is
run on a record and on the same NamedTuple, and must give the same result (or the same kind of
error)."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest

from migrator.record import Record


class Place(Record):
    file: str
    line: int = 0
    note: str | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class PlaceTuple(NamedTuple):
    file: str
    line: int = 0
    note: str | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class Shown(Place):
    """A subclass adds methods, not fields."""

    def shown(self) -> str:
        return f"<{self}>"


def _matched(value: Any) -> Any:
    match value:
        case (Place(file, line) | PlaceTuple(file, line)) if line:
            return ("at", file, line)
        case _:
            return "nowhere"


CASES: dict[str, Callable[[type[Any]], Any]] = {
    "positional": lambda kind: tuple(kind("a.yaml", 3)),
    "defaults": lambda kind: tuple(kind("a.yaml")),
    "keywords": lambda kind: tuple(kind(line=2, file="b.yaml")),
    "mixed": lambda kind: tuple(kind("c.yaml", note="n")),
    "fields": lambda kind: (kind("a", 1, "n").file, kind("a", 1, "n").line, kind("a").note),
    "equal to a tuple": lambda kind: kind("a", 1) == ("a", 1, None),
    "hash of a tuple": lambda kind: hash(kind("a", 1)) == hash(("a", 1, None)),
    "order": lambda kind: sorted([kind("b", 1), kind("a", 2), kind("a", 1)]),
    "replace": lambda kind: tuple(kind("a", 1)._replace(line=5)),
    "replace nothing": lambda kind: tuple(kind("a", 1)._replace()),
    "str": lambda kind: str(kind("a", 4)),
    "repr": lambda kind: repr(kind("a", 4)).replace(kind.__name__, "K"),
    "pickle": lambda kind: [tuple(pickle.loads(pickle.dumps(kind("a", 1), protocol)))
                            for protocol in range(pickle.HIGHEST_PROTOCOL + 1)],
    "pickle keeps the class": lambda kind: type(pickle.loads(pickle.dumps(kind("a")))) is kind,
    "deepcopy": lambda kind: copy.deepcopy(kind("a", 1, "n")) == kind("a", 1, "n"),
    "match": lambda kind: (_matched(kind("a", 2)), _matched(kind("a"))),
    "unpack": lambda kind: (lambda file, line, note: (file, line, note))(*kind("a", 7)),
    "slice": lambda kind: kind("a", 1, "n")[1:],
    "is a tuple": lambda kind: isinstance(kind("a"), tuple),
    "no attribute dictionary": lambda kind: hasattr(kind("a"), "__dict__"),
    "missing argument": lambda kind: kind(),
    "too many arguments": lambda kind: kind("a", 1, "n", "extra"),
    "unknown keyword": lambda kind: kind("a", colour="red"),
    "a field twice": lambda kind: kind("a", file="b"),
    "setting a field": lambda kind: setattr(kind("a"), "line", 2),
    "a new attribute": lambda kind: setattr(kind("a"), "other", 2),
}


def _outcome(case: Callable[[type[Any]], Any], kind: type[Any]) -> Any:
    try:
        return case(kind)
    except (TypeError, AttributeError) as exc:
        return type(exc).__name__


@pytest.mark.parametrize("name", CASES)
def test_a_record_behaves_as_a_named_tuple(name: str) -> None:
    assert _outcome(CASES[name], Place) == _outcome(CASES[name], PlaceTuple)


def test_a_subclass_adds_methods_and_keeps_the_fields() -> None:
    shown = Shown("a", 2)
    assert (shown.shown(), shown.line, shown._fields, shown == Place("a", 2)) == (
        "<a:2>", 2, ("file", "line", "note"), True)
    assert not hasattr(shown, "__dict__")


@pytest.mark.parametrize(("body", "message"), [
    ("class Twice(Place):\n    more: int = 0\n",
     "Twice: a record's fields are declared in one class"),
    ("class Order(Record):\n    first: int = 0\n    second: int\n",
     "Order: a field without a default follows one with a default"),
])
def test_a_record_that_cannot_be_built_says_why(body: str, message: str) -> None:
    with pytest.raises(TypeError) as raised:
        exec(compile("from __future__ import annotations\n" + body, "<record>", "exec"),
             {"Record": Record, "Place": Place})
    assert str(raised.value) == message
