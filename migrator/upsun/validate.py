"""Validate the `.upsun/` configuration against the Upsun JSON schema, with file:line messages.

The files are read by the engine (`migrator.yamltext`): lines come from the spans of its trees,
and the schema checks the data `migrator.upsun.instance` builds from them, as for a migration's
output."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrator.errors import ExpansionError, InputError
from migrator.legacy.model import SourceFile
from migrator.legacy.reader import Reader
from migrator.upsun import deviations, instance
from migrator.upsun.minischema import Validator
from migrator.upsun.upsunfiles import (
    ANY_STRING,
    RUNTIME_URL,
    SERVICE_URL,
    TOP_LEVEL_KEYS,
    UNKNOWN_KEY,
    upsun_yaml_files,
)
from migrator.yamltext.nodes import Mapping, Node, resolve, to_data, written_at

#: Top-level keys, each with its value and the file holding it (None: checked as an empty
#: mapping, written by the migration).
Tops = dict[str, "tuple[Node, SourceFile] | None"]


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


def include_loader(root: Path, config_dir: str) -> instance.Loader:
    """Loads what a yaml `!include` names: from the config folder, else the repository root."""
    reader = Reader(root)

    def read(rel: str) -> tuple[str, str]:
        return reader.read(rel), rel

    return instance.loader(read, (f"{config_dir}/", ""))


def validate(tops: Tops, schema: Schema, file: str, load: instance.Loader) -> list[SchemaError]:
    """Every schema error of the configuration made of `tops`, each with the line of the
    offending node (0 for a top-level key itself)."""
    validator = Validator(deviations.apply(schema.document), {
        RUNTIME_URL: schema.runtime_versions, SERVICE_URL: schema.service_versions})
    data = {key: to_data(top[0]) if top is not None else {} for key, top in tops.items()}
    written = sum(top[1].doc.nodes for top in tops.values() if top is not None)
    try:
        document = instance.build(data, load, written)
    except ExpansionError as exc:
        if exc.file:
            raise
        raise ExpansionError(exc.path, file, _line(tops, exc.path)) from None
    errors = {SchemaError(file, _line(tops, list(e.path)), ".".join(map(str, e.path)), e.message)
              for e in validator.errors(document)}
    return sorted(errors, key=lambda e: (e.line, e.path, e.message))


def _line(tops: Tops, path: list[Any]) -> int:
    """Line of the deepest node along `path` below its top-level key (0 when none is found)."""
    top = tops.get(str(path[0])) if path else None
    if top is None:
        return 0
    offset = written_at(top[0], path[1:])
    return top[1].line(offset) if offset is not None else 0


def load_upsun_file(reader: Reader, rel: str) -> SourceFile | None:
    """One `.upsun/*.yaml` file whose document is a mapping, or None when it holds none."""
    source = reader.load_mapping(rel, allow_empty=True)
    return source if source.doc.root is not None else None


def top_entries(source: SourceFile) -> list[tuple[str, int, Node]]:
    """A file's top-level keys, each with its line and value."""
    root = resolve(source.doc.root) if source.doc.root is not None else None
    assert isinstance(root, Mapping)
    entries = []
    for key in root.keys():
        entry = root.entry(key)
        assert entry is not None
        entries.append((key, source.line(entry[0].start), entry[1]))
    return entries


@dataclass(frozen=True)
class Folder:
    """The first-level `.upsun/*.yaml` files merged as Upsun does: each top-level key once."""

    tops: Tops
    owners: dict[str, str]  # top-level key -> the file that defines it
    lines: dict[str, int]  # top-level key -> its line in that file


def load_upsun_folder(root: Path) -> Folder:
    files = upsun_yaml_files(root)
    if not files:
        raise InputError("no .upsun/*.yaml files to validate", str(root))
    reader = Reader(root)
    folder = Folder({}, {}, {})
    for rel in files:
        source = load_upsun_file(reader, rel)
        for key, line, value in top_entries(source) if source is not None else []:
            assert source is not None
            if key in folder.owners:
                raise InputError(f"top-level key {key!r} is defined in {folder.owners[key]} and "
                                 f"in {rel}", rel, line)
            folder.owners[key], folder.lines[key] = rel, line
            folder.tops[key] = (value, source)
    return folder


def validate_folder(root: Path, schema: Schema) -> list[SchemaError]:
    """Errors of the merged `.upsun/` configuration, each named by the file that holds it."""
    folder = load_upsun_folder(root)
    owners = folder.owners
    load = include_loader(root, ".upsun")
    errors = [SchemaError(owners.get(e.path.split(".")[0], next(iter(owners.values()))), e.line,
                          e.path, e.message) for e in validate(folder.tops, schema, "", load)]
    errors += [SchemaError(owners[key], folder.lines[key], key, UNKNOWN_KEY)
               for key in owners if key not in TOP_LEVEL_KEYS]
    return sorted(errors, key=lambda e: (e.file, e.line, e.path, e.message))
