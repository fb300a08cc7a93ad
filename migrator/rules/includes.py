"""UPS008: files that `!include`/`!archive` in services and routes name move to `.upsun/`.

Those paths are relative to the configuration folder, so what they reference is copied from
`.platform/` to `.upsun/`. Paths in application files are relative to the app (its
`source.root` when it has one) and stay; they are only checked (never outside the repository).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from migrator.context import MigrationContext, scalar_text
from migrator.discovery import CONFIG_DIR, LegacyApp, SourceFile, include_path
from migrator.errors import RefusedError
from migrator.model import Location
from migrator.yamltext.nodes import Mapping, Node, Scalar, Sequence, Tagged, to_data

CODE = "UPS008"
TITLE = "includes"
PLATFORM_TAGS = ("!include", "!archive")


#: Where YAML files included from the top of `.platform/` go: Upsun reads every first-level
#: `.upsun/*.yaml` as configuration, so a copy there would be read as a second config file.
INCLUDES_DIR = "includes"


def apply(ctx: MigrationContext) -> None:
    """Each tagged file of services and routes is copied (it must exist: the pipeline looks);
    an app's must exist too, or is reported."""
    for document in (ctx.project.services, ctx.project.routes):
        if document is None:
            continue
        removed = ctx.editor(document.source).removed
        for node in tagged_nodes(document.node, removed):
            line = document.source.line(node.start)
            path = _relative(node, document.file, line)
            rel = f"{CONFIG_DIR}/{path}"
            ctx.require(CODE, rel, Location(document.file, line), node.tag or "", fatal=True)
            target = _target(ctx, document.source, node, path)
            if rel not in ctx.copies:
                ctx.copies[rel] = target
                edited = " (with the rules applied in the copy)" \
                    if rel in {s.rel for s in ctx.project.included.values()} else ""
                ctx.warn(CODE, Location(document.file, line), f"{rel} is copied to "
                         f"{target}{edited}: commit the copy with .upsun/config.yaml")
    for app in ctx.apps:
        base = PurePosixPath(_app_base(app))
        for node in tagged_nodes(app.mapping):
            line = app.source.line(node.start)
            rel = (base / _relative(node, app.file, line)).as_posix()
            ctx.require(CODE, rel, Location(app.file, line), node.tag or "", fatal=False)


def _target(ctx: MigrationContext, source: SourceFile, node: Node, path: str) -> str:
    """Where the copy goes; a YAML file from the top of `.platform/` goes to `includes/`, and
    the tag's path is rewritten to match (recorded, so the run's proof checks it)."""
    parts = PurePosixPath(path).parts
    if len(parts) != 1 or not path.endswith((".yaml", ".yml")):
        return f".upsun/{path}"
    moved = f"{INCLUDES_DIR}/{path}"
    spec = node.get("path") if isinstance(node, Mapping) else node
    if not isinstance(spec, Scalar):
        raise RefusedError(f"{node.tag} path is not a plain string", source.rel,
                           source.line(node.start))
    quote = spec.style if spec.style in ("'", '"') else ""
    ctx.editor(source).replace(spec, f"{quote}{moved}{quote}")
    data = to_data(node)
    value = Tagged(node.tag or "", dict(data.value, path=moved) if isinstance(data.value, dict)
                   else moved)
    for where in ctx.output_paths(source, node):  # an alias repeats it: every place
        ctx.expect(where, value)
    return f".upsun/{moved}"


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


def tagged_nodes(root: Node, removed: set[Node] | None = None) -> Iterator[Node]:
    """Every `!include`/`!archive` node under root, in document order (aliases not followed),
    leaving out entries a rule removed (their files are not needed)."""
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        if node.tag in PLATFORM_TAGS:
            yield node
            continue
        if isinstance(node, Mapping):
            stack.extend(reversed([value for key, value in node.pairs
                                   if removed is None or key not in removed]))
        elif isinstance(node, Sequence):
            stack.extend(reversed(node.items))
