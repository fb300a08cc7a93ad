"""UPS008: files that `!include`/`!archive` in services and routes name move to `.upsun/`.

Those paths are relative to the configuration folder, so what they reference is copied from
`.platform/` to `.upsun/`. Paths in application files are relative to the app (its
`source.root` when it has one) and stay; they are only checked (never outside the repository).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from migrator.context import MigrationContext, scalar_text
from migrator.discovery import CONFIG_DIR, LegacyApp, include_path
from migrator.errors import InputError, RefusedError
from migrator.model import Location
from migrator.yamltext.nodes import Mapping, Node, Sequence

CODE = "UPS008"
TITLE = "includes"
PLATFORM_TAGS = ("!include", "!archive")


def apply(ctx: MigrationContext) -> None:
    from migrator.discovery import Reader

    reader = Reader(ctx.project.root)
    for document in (ctx.project.services, ctx.project.routes):
        if document is None:
            continue
        for node in tagged_nodes(document.node):
            line = document.source.line(node.start)
            rel = f"{CONFIG_DIR}/{_relative(node, document.file, line)}"
            path = reader.inside(rel, document.file, line)
            if not path.exists():
                raise InputError(f"{node.tag} names {rel}, which does not exist",
                                 document.file, line)
            target = ".upsun/" + rel.removeprefix(f"{CONFIG_DIR}/")
            if rel not in ctx.copies:
                ctx.copies[rel] = target
                ctx.warn(CODE, Location(document.file, line), f"{rel} is copied to {target}: "
                         "commit the copy with .upsun/config.yaml")
    for app in ctx.apps:
        base = PurePosixPath(_app_base(app))
        for node in tagged_nodes(app.mapping):
            line = app.source.line(node.start)
            rel = (base / _relative(node, app.file, line)).as_posix()
            path = reader.inside(rel, app.file, line)
            if not path.exists():
                ctx.warn(CODE, Location(app.file, line), f"{node.tag} names {rel}, which does "
                         "not exist")


def _app_base(app: LegacyApp) -> str:
    """Where an app's include paths start: its `source.root`, else its folder."""
    source = app.mapping.get("source")
    root = scalar_text(source.get("root")) if isinstance(source, Mapping) else None
    return root.strip("/") or "." if root is not None else (app.subdir or ".")


def _relative(node: Node, file: str, line: int) -> str:
    path = include_path(node, file, line)
    if PurePosixPath(path).is_absolute():
        raise RefusedError(f"{node.tag} of absolute path {path!r} is not allowed", file, line)
    return path


def tagged_nodes(root: Node) -> Iterator[Node]:
    """Every `!include`/`!archive` node under root, in document order (aliases not followed)."""
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        if node.tag in PLATFORM_TAGS:
            yield node
            continue
        if isinstance(node, Mapping):
            stack.extend(reversed([value for _, value in node.pairs]))
        elif isinstance(node, Sequence):
            stack.extend(reversed(node.items))


