"""Validate an Upsun configuration tree against the Upsun JSON schema, with file:line messages."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar

from migrator import yamlio
from migrator.errors import MAX_VALUES, ExpansionError, InputError
from migrator.upsunfiles import (
    ANY_STRING,
    RUNTIME_URL,
    SERVICE_URL,
    TOP_LEVEL_KEYS,
    UNKNOWN_KEY,
    upsun_yaml_files,
)
from migrator.yamlio import Node

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from migrator.discovery import Reader

#: What an `!include` of type yaml resolves to: a loaded tree, or None when it can't be read.
Resolver = Callable[[str], Node]


@dataclass(frozen=True)
class SchemaError:
    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path or '(top level)'}: {self.message}"


@dataclass(frozen=True)
class Schema:
    """The Upsun schema, and what its two remote `$ref`s (runtime, service versions) resolve to."""

    document: dict[str, Any]
    runtime_versions: dict[str, Any]
    service_versions: dict[str, Any]

    @classmethod
    def from_files(cls, schema: Path, runtime_versions: Path | None = None,
                   service_versions: Path | None = None) -> Schema:
        """Versions left out accept any string: the structure is checked, not the versions."""
        def read(path: Path | None) -> dict[str, Any]:
            return json.loads(path.read_text(encoding="utf-8")) if path else ANY_STRING

        return cls(read(schema), read(runtime_versions), read(service_versions))


def instance(node: Node, resolve: Resolver | None = None) -> Any:
    """A round-trip tree as plain JSON data, with `!include`/`!archive` as Upsun resolves them."""
    return _instance(node, resolve, [MAX_VALUES], [])


def _instance(node: Node, resolve: Resolver | None, budget: list[int], path: list[Any]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise ExpansionError(path)
    tag = yamlio.tag_of(node)
    if tag == "!archive":
        return "archive"
    if tag == "!include":
        return _included(node, resolve)
    if isinstance(node, CommentedMap):
        return {str(key): _instance(node[key], resolve, budget, [*path, key]) for key in node}
    if isinstance(node, CommentedSeq):
        return [_instance(item, resolve, budget, [*path, index])
                for index, item in enumerate(node)]
    if isinstance(node, TaggedScalar):
        return str(node.value)
    if isinstance(node, (bool, int, float)) or node is None:
        return node
    return str(node)


def _included(node: Node, resolve: Resolver | None) -> Any:
    kind = node.get("type", "yaml") if isinstance(node, CommentedMap) else "yaml"
    if kind != "yaml":
        return "included text"
    path = node.get("path") if isinstance(node, CommentedMap) else getattr(node, "value", None)
    loaded = resolve(str(path)) if resolve and path else None
    return instance(loaded, resolve) if loaded is not None else {}


def include_resolver(root: Path, config_dir: str) -> Resolver:
    """Loads what a yaml `!include` names: from the config folder, else the repository root;
    None when it cannot be read safely (the value is then checked as an empty mapping)."""
    from migrator.discovery import Reader
    from migrator.errors import MigratorError

    reader = Reader(root)

    def resolve(path: str) -> Node:
        for rel in (f"{config_dir}/{path}", path):
            try:
                return yamlio.load(reader.read(rel), rel, allow_empty=True)
            except MigratorError:
                continue
        return None

    return resolve


def validate(tree: Node, schema: Schema, file: str,
             resolve: Resolver | None = None) -> list[SchemaError]:
    """Every schema error of `tree`, each with the line of the offending node in `file`."""
    from migrator import deviations
    from migrator.minischema import Validator

    validator = Validator(deviations.apply(schema.document), {
        RUNTIME_URL: schema.runtime_versions, SERVICE_URL: schema.service_versions})
    try:
        document = instance(tree, resolve)
    except ExpansionError as exc:
        raise ExpansionError(exc.path, file, _line(tree, exc.path)) from None
    errors = {SchemaError(file, _line(tree, list(e.path)), ".".join(map(str, e.path)), e.message)
              for e in validator.errors(document)}
    return sorted(errors, key=lambda e: (e.line, e.path, e.message))


def _line(tree: Node, path: list[Any]) -> int:
    """Line of the deepest node along `path` that has a known position."""
    line, node = yamlio.line_of(tree), tree
    for key in path:
        in_map = isinstance(node, CommentedMap) and key in node
        in_seq = isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node)
        if in_map or in_seq:
            line = yamlio.line_of(node, key) or line
        else:
            break
        node = node[key]
    return line


def load_upsun_file(reader: Reader, rel: str) -> CommentedMap | None:
    """One `.upsun/*.yaml` file: a mapping, or None when it holds no document."""
    node = yamlio.load(reader.read(rel), rel, allow_empty=True)
    if node is not None and not isinstance(node, CommentedMap):
        raise InputError("expected a mapping at the top level", rel, 1)
    return node


@dataclass(frozen=True)
class Folder:
    """The first-level `.upsun/*.yaml` files merged as Upsun does: each top-level key once."""

    merged: CommentedMap
    owners: dict[str, str]  # top-level key -> the file that defines it
    lines: dict[str, int]  # top-level key -> its line in that file


def load_upsun_folder(root: Path) -> Folder:
    from migrator.discovery import Reader
    files = upsun_yaml_files(root)
    if not files:
        raise InputError("no .upsun/*.yaml files to validate", str(root))
    reader = Reader(root)
    folder = Folder(CommentedMap(), {}, {})
    for rel in files:
        node = load_upsun_file(reader, rel)
        for key in node or {}:
            assert node is not None
            line = yamlio.line_of(node, key)
            if key in folder.owners:
                raise InputError(f"top-level key {key!r} is defined in {folder.owners[key]} and "
                                 f"in {rel}", rel, line)
            folder.owners[str(key)], folder.lines[str(key)] = rel, line
            folder.merged[key] = node[key]
    return folder


def validate_folder(root: Path, schema: Schema) -> list[SchemaError]:
    """Errors of the merged `.upsun/` configuration, each named by the file that holds it."""
    folder = load_upsun_folder(root)
    owners = folder.owners
    resolve = include_resolver(root, ".upsun")
    errors = [SchemaError(owners.get(e.path.split(".")[0], next(iter(owners.values()))), e.line,
                          e.path, e.message) for e in validate(folder.merged, schema, "", resolve)]
    errors += [SchemaError(owners[key], folder.lines[key], key, UNKNOWN_KEY)
               for key in owners if key not in TOP_LEVEL_KEYS]
    return sorted(errors, key=lambda e: (e.file, e.line, e.path, e.message))
