"""UPS005: `size`, `disk` and `resources` leave apps, `web`, workers and services; they become hints.

Values are read from the effective (merged) mapping first, so a size that reached a worker
through `<<: *defaults` still gets its hint. Each container's removed keys give way to one
comment line carrying its `upsun resources:set` hint.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap

from migrator import resources, yamlio
from migrator.comments import add_comment_at_top, remove_key
from migrator.context import MigrationContext
from migrator.model import ContainerKind, LegacySizing

CODE = "UPS005"
TITLE = "resources"
KEYS = ("size", "disk", "resources")


def apply(ctx: MigrationContext) -> None:
    removals = []  # everything is read before anything is removed (workers inherit the app's size)
    for container in ctx.containers():
        app_node = container.app.node
        inherited = container.worker is not None and "size" not in container.node
        size = app_node.get("size") if inherited else container.node.get("size")
        kind = ContainerKind.APP if container.worker is None else ContainerKind.WORKER
        sizing = _sizing(ctx, container.name, kind, container.node, container.app.file,
                         size=size, inherited=inherited and size is not None,
                         app_type=app_node.get("type"))
        nodes = [container.node]
        web = container.node.get("web") if container.worker is None else None
        if isinstance(web, CommentedMap):
            nodes.append(web)
        # a worker mapping shared with another app keeps that app's hint; this one goes on the app
        home = app_node if container.borrowed else container.node
        removals.append((sizing, _present(nodes), container.app.file, container.path, home))
    services = ctx.services()
    for name in services:
        node = services[name]
        if isinstance(node, CommentedMap):
            sizing = _sizing(ctx, name, ContainerKind.SERVICE, node, ctx.services_file,
                             size=node.get("size"), service_type=node.get("type"))
            removals.append((sizing, _present([node]), ctx.services_file, ("services", name),
                             node))
    for sizing, present, file, path, home in removals:
        _remove(ctx, sizing, present, file, path, home)


def _present(nodes: list[CommentedMap]) -> list[tuple[CommentedMap, list[str]]]:
    """Each node with the resource keys it has (own or merged), in the order they stand."""
    return [(node, sorted((k for k in KEYS if k in node), key=lambda k: _position(node, k)))
            for node in nodes]


def _sizing(ctx: MigrationContext, name: str, kind: ContainerKind, node: CommentedMap,
            file: str, *, size: Any, inherited: bool = False, app_type: Any = None,
            service_type: Any = None) -> LegacySizing | None:
    disk = node.get("disk")
    legacy = node.get("resources")
    if size is None and disk is None and legacy is None:
        return None
    first = next((k for k in KEYS if k in node), None)
    legacy = legacy if isinstance(legacy, dict) else {}
    sizing = LegacySizing(
        container=name, kind=kind,
        location=ctx.location(file, (yamlio.own(node, first) or node) if first else node, first),
        size=None if size is None else str(size), size_inherited=inherited,
        disk=_int(disk), base_memory=_int(legacy.get("base_memory")),
        memory_ratio=_int(legacy.get("memory_ratio")),
        app_type=app_type if isinstance(app_type, str) else None,
        service_type=service_type if isinstance(service_type, str) else None)
    ctx.sizings.append(sizing)
    return sizing


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def _position(node: CommentedMap, key: str) -> tuple[int, int]:
    """Where a key stands: own keys in file order, merged ones after them."""
    keys = yamlio.own_keys(node)
    return (0, keys.index(key)) if key in keys else (1, KEYS.index(key))


def _remove(ctx: MigrationContext, sizing: LegacySizing | None,
            present: list[tuple[CommentedMap, list[str]]], file: str,
            path: tuple[str, ...], home: CommentedMap) -> None:
    hint = resources.comment_line(resources.hint_for(sizing)) if sizing else None
    for index, (node, keys) in enumerate(present):
        where = path if index == 0 else (*path, "web")
        for key in keys:
            if key not in node:  # merged from an anchor another container already cleaned
                continue
            holder = yamlio.own(node, key)
            location = ctx.location(file, holder, key)
            before = f"{key}: {yamlio.flow(node[key])}"
            remove_key(node, key, hint if holder is node else None)
            after = f"# {hint}" if hint and holder is node else "(removed; see resource hints)"
            ctx.change(CODE, location, (*where, key), before, after)
            if holder is node:
                hint = None
    if hint and any(keys for _, keys in present):
        add_comment_at_top(home, hint)
