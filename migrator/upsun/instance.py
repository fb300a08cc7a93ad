"""The output as Upsun's schema checks it: `!archive` is a folder, a YAML `!include` is what the
file it names holds (itself with its includes), other includes are text.

Built by one walk without recursion, and bounded: aliases, and includes they repeat, may add
at most MAX_VALUES values to what the output holds (the same bound, and message, as every
document the run parses). A file that includes itself, through any chain, is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from migrator.errors import MAX_VALUES, ExpansionError, InputError, MigratorError
from migrator.yamltext.nodes import Tagged, to_data
from migrator.yamltext.parse import parse

#: What an include names, read: its data and the file it was read from (None: not read).
Loader = Callable[[str], tuple[Any, str] | None]
#: A file's text and the name it is reported under, from a path relative to the repository.
TextReader = Callable[[str], tuple[str, str]]


def build(data: Any, load: Loader, written: int) -> Any:
    """The instance of a tree's data (`yamltext.nodes.to_data`): the data itself when it holds
    no tagged value (counted, and values shared through aliases stay shared), else built with
    its includes read through `load`."""
    if not _holds_tags(data, [0]):
        count(data, written)
        return data
    return Instance(load, written).build(data)


def _holds_tags(value: Any, budget: list[int]) -> bool:
    """Whether a tagged value is inside (bounded: a huge shared value is assumed to have one)."""
    budget[0] += 1
    if budget[0] > 100_000 or isinstance(value, Tagged):
        return True
    if isinstance(value, dict):
        return any(_holds_tags(v, budget) for v in value.values())
    if isinstance(value, list):
        return any(_holds_tags(v, budget) for v in value)
    return False


def loader(read: TextReader, prefixes: tuple[str, ...]) -> Loader:
    """What a yaml `!include` names, parsed by the engine: the first of `prefix + path` that
    `read` reads and that parses; None when none does (the value is then checked as an empty
    mapping). An alias bomb in it is refused, as in every file a run reads."""

    def load(path: str) -> tuple[Any, str] | None:
        for prefix in prefixes:
            try:
                text, file = read(prefix + path)
                document = parse(text.replace("\r\n", "\n"), file)
            except ExpansionError:
                raise
            except MigratorError:
                continue
            return (to_data(document.root) if document.root is not None else None), file
        return None

    return load


class Instance:
    def __init__(self, load: Loader, written: int) -> None:
        self.load = load
        self.budget = written + MAX_VALUES
        self.loaded: dict[str, tuple[Any, int]] = {}  # path -> its data, built once, and size
        self.loading: list[tuple[str, str]] = []  # the includes being built, and their files

    def build(self, value: Any, path: tuple[Any, ...] = ()) -> Any:
        """The instance of a value (a fresh container for each place a shared one is at)."""
        out: list[Any] = [None]
        stack: list[tuple[Any, tuple[Any, ...], Any, Any]] = [(value, path, out, 0)]
        while stack:
            current, where, holder, slot = stack.pop()
            self.budget -= 1
            if self.budget < 0:
                raise ExpansionError(list(where))
            built = self.leaf(current, where)
            if isinstance(current, dict) and not isinstance(built, str):
                built = {}
                stack += [(item, (*where, key), built, str(key))
                          for key, item in reversed(current.items())]
            elif isinstance(current, list):
                built = [None] * len(current)
                stack += [(item, (*where, index), built, index)
                          for index, item in reversed(list(enumerate(current)))]
            holder[slot] = built
        return out[0]

    def leaf(self, value: Any, where: tuple[Any, ...]) -> Any:
        if not isinstance(value, Tagged):
            return value
        if value.tag == "!archive":
            return "archive"
        spec = value.value
        if isinstance(spec, dict) and spec.get("type", "yaml") != "yaml":
            return "included text"
        target = spec.get("path") if isinstance(spec, dict) else spec
        return self.included(str(target), where) if target else {}

    def included(self, target: str, where: tuple[Any, ...]) -> Any:
        names = [name for name, _ in self.loading]
        if target in names:
            chain = " -> ".join([*names[names.index(target):], target])
            raise InputError(f"!include {target} includes itself ({chain})",
                             self.loading[-1][1])
        if target in self.loaded:
            known, size = self.loaded[target]
            self.budget -= size  # the schema check walks it again at this place
            if self.budget < 0:
                raise ExpansionError(list(where))
            return known
        found = self.load(target)
        before = self.budget
        if found is None or found[0] is None:
            data: Any = {}
        else:
            self.loading.append((target, found[1]))
            try:
                data = self.build(found[0], where)
            finally:
                self.loading.pop()
        self.loaded[target] = data, before - self.budget
        return data


def count(value: Any, written: int) -> None:
    """Walk a value as the schema check will (shared containers once per place), refusing
    more than MAX_VALUES values beyond the `written` ones."""
    budget = written + MAX_VALUES
    stack: list[tuple[tuple[Any, ...], Any]] = [((), value)]
    while stack:
        path, current = stack.pop()
        budget -= 1
        if budget < 0:
            raise ExpansionError(list(path))
        if isinstance(current, dict):
            stack.extend(((*path, key), item) for key, item in current.items())
        elif isinstance(current, list):
            stack.extend(((*path, index), item) for index, item in enumerate(current))
