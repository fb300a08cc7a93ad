"""UPS005: `size`, `disk`, `resources` leave apps, `web`, workers and services; they become hints.

Values are read from the effective (merged) mapping, so a size that reached a worker through
`<<: *defaults` still gets its hint. Each container's first removed key gives way to one
comment line carrying its `upsun resources:set` hint; a comment written on a removed line is
kept after it and shown with the hint in the report.
"""

from __future__ import annotations

from migrator import resources
from migrator.context import MISSING, Container, MigrationContext
from migrator.model import ContainerKind, LegacySizing
from migrator.yamltext.editor import Editor
from migrator.yamltext.nodes import Mapping, Node, Scalar, scalar_value, to_data

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CODE = "UPS005"
TITLE = "resources"
KEYS = ("size", "disk", "resources")


def apply(ctx: MigrationContext) -> None:
    for container in ctx.containers() + ctx.services():
        nodes = [(container.node, container.path)]
        web = container.node.get("web") if container.kind is ContainerKind.APP else None
        if isinstance(web, Mapping):
            nodes.append((web, (*container.path, "web")))
        present = [(node, path, key) for node, path in nodes for key in _ordered(node)]
        sizing = _sizing(ctx, container)
        hint = resources.comment_line(resources.hint_for(sizing)) if sizing else None
        hint, kept = _remove_all(ctx, container, present, hint)
        if sizing is not None:
            ctx.sizings.append(_with_comments(sizing, kept) if kept else sizing)
        if not present:
            continue
        if hint is not None:
            _hint_at_top(ctx.editor(container.source), _home(container), hint)


def _ordered(node: Mapping) -> list[str]:
    """The resource keys a mapping has (own or merged), own ones in file order first."""
    own = [k for k in node.own_keys() if k in KEYS]
    return own + [k for k in KEYS if k in node and k not in own]


def _remove_all(ctx: MigrationContext, container: Container,
                present: list[tuple[Mapping, tuple[str, ...], str]],
                hint: str | None) -> tuple[str | None, list[str]]:
    editor = ctx.editor(container.source)
    kept: list[str] = []
    for node, path, key in present:
        holder = node.holder(key)
        entry = node.entry(key)
        assert holder is not None and entry is not None
        location = ctx.location(container.source, entry[0])
        before = f"{key}: {_flow(ctx, container, entry[1])}"
        ctx.expect((*path, key), MISSING)
        if entry[0] in editor.removed:
            ctx.change(CODE, location, (*path, key), before, "(removed; see resource hints)")
            continue
        own = holder is node and not container.borrowed
        lines = [hint] if own and hint else ([] if own else [
            f"{key}: {_flow(ctx, container, entry[1])} removed: each container that uses "
            "this block has its own resources hint"])
        removed = editor.remove(holder, key, lines)
        if removed.own_comment:
            kept.append(removed.own_comment)
        ctx.change(CODE, location, (*path, key), before,
                   f"# {hint}" if own and hint else "(removed; see resource hints)")
        if own:
            hint = None
    return hint, kept


def _home(container: Container) -> Mapping:
    """Where a hint goes when no key of the container's own was removed."""
    if container.borrowed and container.app is not None:
        return container.app.mapping
    return container.node


def _hint_at_top(editor: Editor, home: Mapping, hint: str) -> None:
    from migrator.yamltext.editor import outermost_flow

    if home.flow or not home.pairs:
        editor.comments_before(outermost_flow(editor.doc, home).start, [hint])
        return
    first = next((key for key, _ in home.pairs if key not in editor.removed), home.pairs[0][0])
    editor.comments_before(first.start, [hint], editor.doc.column(first.start))


def _flow(ctx: MigrationContext, container: Container, node: Node) -> str:
    from migrator.yamltext.render import flow

    return flow(to_data(node))


def _sizing(ctx: MigrationContext, container: Container) -> LegacySizing | None:
    node = container.node
    app_node = container.app.mapping if container.app is not None else None
    inherited = container.kind is ContainerKind.WORKER and "size" not in node
    size = _value(app_node.get("size") if inherited and app_node else node.get("size"))
    disk, legacy = _value(node.get("disk")), _value(node.get("resources"))
    if size is None and disk is None and legacy is None:
        return None
    first = next((k for k in KEYS if k in node), None)
    entry = node.entry(first) if first else None
    legacy = legacy if isinstance(legacy, dict) else {}
    for key, value in (("disk", disk), ("resources.base_memory", legacy.get("base_memory")),
                       ("resources.memory_ratio", legacy.get("memory_ratio"))):
        if value is not None and _int(value) is None:
            ctx.warn(CODE, ctx.location(container.source, entry[0] if entry else node),
                     f"{container.name}: legacy {key} {value!r} is not a whole number: no "
                     "resource hint from it")
    type_node = (node if container.kind is ContainerKind.SERVICE else app_node)
    type_ = _value(type_node.get("type")) if type_node is not None else None
    return LegacySizing(
        container=container.name, kind=container.kind,
        names=(container.name,) if container.worker is None or container.app is None
        else (container.app.name, container.worker),
        location=ctx.location(container.source, entry[0] if entry else node),
        size=None if size is None else str(size),
        size_inherited=inherited and size is not None,
        disk=_int(disk), base_memory=_int(legacy.get("base_memory")),
        memory_ratio=_int(legacy.get("memory_ratio")),
        app_type=type_ if isinstance(type_, str) and container.kind is not
        ContainerKind.SERVICE else None,
        service_type=type_ if isinstance(type_, str) and container.kind is
        ContainerKind.SERVICE else None)


def _with_comments(sizing: LegacySizing, kept: list[str]) -> LegacySizing:
    return sizing._replace(comments=tuple(kept))


def _value(node: Node | None) -> Any:
    if node is None:
        return None
    return scalar_value(node) if isinstance(node, Scalar) else to_data(node)


def _int(value: Any) -> int | None:
    """A whole number (`2048`, `"2048"`, `2048.0`); None for anything else (1.5, .inf, text)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None  # inf and nan are not integers
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
