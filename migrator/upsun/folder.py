"""The `.upsun/` folder a migration writes into: Upsun reads every first-level `*.yaml` of it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from migrator.errors import InputError, RefusedError
from migrator.legacy.model import UPSUN_CONFIG, SourceFile
from migrator.legacy.reader import Reader
from migrator.model import MigrationResult
from migrator.upsun.upsunfiles import ANY_STRING, TOP_LEVEL_KEYS, UNKNOWN_KEY, upsun_yaml_files
from migrator.upsun.validate import (
    Schema,
    Tops,
    include_loader,
    load_upsun_file,
    top_entries,
    validate,
)

_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][\w-]*):", re.M)


def written_keys(config_text: str) -> set[str]:
    """The top-level keys of a config the migrator wrote (always plain keys at column 0)."""
    return set(_TOP_LEVEL_KEY.findall(config_text))


def refuse_conflicts_beside(result: MigrationResult) -> None:
    """The files Upsun will read with the new config.yaml must be readable, hold only keys Upsun
    knows, and define none of the keys config.yaml defines: Upsun takes each top-level key from
    one file only, so the result would not deploy (and `validate` would fail)."""
    others = list(_others(result))
    ours = written_keys(result.config_text) if others else set()
    for rel, source in others:
        for key, line, _ in top_entries(source):
            if key not in TOP_LEVEL_KEYS:
                raise InputError(f"{key}: {UNKNOWN_KEY}", rel, line)
            if key in ours:
                raise RefusedError(f"defines {key!r}, which the migration writes to "
                                   f"{UPSUN_CONFIG}; Upsun reads both files and takes each "
                                   "top-level key from one: merge these definitions into the "
                                   "legacy configuration, or remove them, and run again", rel, line)


def refuse_invalid_beside(result: MigrationResult, document: dict[str, Any]) -> None:
    """What the other files define must pass the schema's structure too (run after
    refuse_conflicts_beside, so they hold no `applications`: an empty one stands in for ours)."""
    others = list(_others(result))
    if not others:
        return
    schema = Schema(document, ANY_STRING, ANY_STRING)
    load = include_loader(result.root, ".upsun")
    for rel, source in others:
        probe: Tops = {key: (value, source) for key, _, value in top_entries(source)}
        probe["applications"] = None
        errors = validate(probe, schema, rel, load)
        if errors:
            first = errors[0]
            raise InputError(f"{first.path}: {first.message} (this file is read with the "
                             f"migrated {UPSUN_CONFIG})", rel, first.line)


def _others(result: MigrationResult) -> Iterator[tuple[str, SourceFile]]:
    """The first-level `.upsun/*.yaml` files the migration does not write, with content."""
    planned = {p.path for p in result.files}
    reader = Reader(result.root)
    for rel in upsun_yaml_files(result.root):
        if rel != UPSUN_CONFIG and rel not in planned:
            source = load_upsun_file(reader, rel)
            if source is not None:
                yield rel, source
