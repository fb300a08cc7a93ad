"""The `.upsun/` folder a migration writes into: Upsun reads every first-level `*.yaml` of it."""

from __future__ import annotations

import re

from migrator import yamlio
from migrator.discovery import UPSUN_CONFIG, Reader
from migrator.errors import InputError, RefusedError
from migrator.model import MigrationResult
from migrator.validate import TOP_LEVEL_KEYS, UNKNOWN_KEY, load_upsun_file, upsun_yaml_files

_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][\w-]*):", re.M)


def written_keys(config_text: str) -> set[str]:
    """The top-level keys of a config the migrator wrote (always plain keys at column 0)."""
    return set(_TOP_LEVEL_KEY.findall(config_text))


def check_beside(result: MigrationResult) -> None:
    """The files Upsun will read with the new config.yaml must be readable, hold only keys Upsun
    knows, and define none of the keys config.yaml defines: Upsun takes each top-level key from
    one file only, so the result would not deploy (and `validate` would fail)."""
    ours = written_keys(result.config_text)
    planned = {p.path for p in result.files}
    reader = Reader(result.root)
    for rel in upsun_yaml_files(result.root):
        if rel == UPSUN_CONFIG or rel in planned:
            continue
        node = load_upsun_file(reader, rel)
        for key in node or {}:
            assert node is not None
            line = yamlio.line_of(node, key)
            if key not in TOP_LEVEL_KEYS:
                raise InputError(f"{key}: {UNKNOWN_KEY}", rel, line)
            if key in ours:
                raise RefusedError(f"defines {key!r}, which the migration writes to "
                                   f"{UPSUN_CONFIG}; Upsun reads both files and takes each "
                                   "top-level key from one: merge these definitions into the "
                                   "legacy configuration, or remove them, and run again", rel, line)
