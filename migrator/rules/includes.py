"""UPS008: files that `!include`/`!archive` in services and routes name move to `.upsun/`.

Those paths are relative to the configuration folder, so what they reference is copied from
`.platform/` to `.upsun/`. Paths in application files are relative to the app and stay; they
are only checked (never outside the repository).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from migrator import yamlio
from migrator.context import MigrationContext
from migrator.discovery import CONFIG_DIR, Reader, include_path
from migrator.errors import InputError, RefusedError
from migrator.model import Location
from migrator.yamlio import Node

CODE = "UPS008"
TITLE = "includes"


def apply(ctx: MigrationContext) -> None:
    reader = Reader(ctx.project.root)
    for document in (ctx.project.services, ctx.project.routes):
        if document is None:
            continue
        for node, line in tagged_nodes(document.node):
            rel = f"{CONFIG_DIR}/{_relative(node, document.file, line)}"
            path = reader.inside(rel, document.file, line)
            if not path.exists():
                raise InputError(f"{yamlio.tag_of(node)} names {rel}, which does not exist",
                                 document.file, line)
            target = ".upsun/" + rel.removeprefix(f"{CONFIG_DIR}/")
            if rel not in ctx.copies:
                ctx.copies[rel] = target
                ctx.warn(CODE, Location(document.file, line), f"{rel} is copied to {target}: "
                         "commit the copy with .upsun/config.yaml")
    for app in ctx.apps:
        base = PurePosixPath(app.subdir or ".")
        for node, line in tagged_nodes(app.node):
            rel = (base / _relative(node, app.file, line)).as_posix()
            path = reader.inside(rel, app.file, line)
            if not path.exists():
                ctx.warn(CODE, Location(app.file, line),
                         f"{yamlio.tag_of(node)} names {rel}, which does not exist")


def _relative(node: Node, file: str, line: int) -> str:
    path = include_path(node, file, line)
    if PurePosixPath(path).is_absolute():
        raise RefusedError(f"{yamlio.tag_of(node)} of absolute path {path!r} is not allowed",
                           file, line)
    return path


def tagged_nodes(root: Node) -> Iterator[tuple[Node, int]]:
    """Every `!include`/`!archive` node under root, with its line (aliases visited once)."""
    seen: set[int] = set()
    stack: list[tuple[Node, int]] = [(root, 0)]
    while stack:
        node, line = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if yamlio.tag_of(node) in yamlio.PLATFORM_TAGS:
            yield node, line
            continue
        children = [(child, yamlio.line_of(node, key) or line)
                    for key, child in yamlio.keyed_children(node)]
        stack.extend(reversed(children))  # popped in document order
