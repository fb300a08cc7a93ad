"""UPS003: `local` mounts become `storage` (or `instance`); legacy string mounts become objects.

On Platform.sh every container had its own disk, so an app and a worker (or two workers) that
declared the same `source_path` did not share files. `storage` is shared: that is reported.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from ruamel.yaml.comments import CommentedMap

from migrator import yamlio
from migrator.comments import replace_value
from migrator.context import Container, MigrationContext
from migrator.errors import InputError
from migrator.model import Location

CODE = "UPS003"
TITLE = "mounts"
_STRING_MOUNT = re.compile(r"^shared:files(?:/(?P<sub>.*))?$")


def apply(ctx: MigrationContext) -> None:
    target = ctx.settings.local_mounts.value
    converted: dict[str, list[tuple[str, Location]]] = defaultdict(list)
    seen: dict[tuple[int, Any], str | None] = {}  # mounts maps shared through merges or aliases
    for app in ctx.apps:
        declared: dict[str, list[tuple[str, Location]]] = defaultdict(list)
        for container in ctx.containers():
            if container.app is not app:
                continue
            for mounts, path in _mount_maps(container):
                for mount in yamlio.own_keys(mounts):
                    key = (id(mounts), mount)
                    if key not in seen:
                        seen[key] = _convert(ctx, container, mounts, mount, (*path, mount), target)
                    source_path = seen[key]
                    if source_path is not None:
                        converted[container.name].append(
                            (str(mount), ctx.location(app.file, mounts, mount)))
                        declared[source_path].append(
                            (container.name, ctx.location(app.file, mounts, mount)))
        _warn_shared(ctx, declared, target)
    if target == "storage":
        for name, places in converted.items():
            ctx.warn(CODE, places[0][1], f"{name}: local mount(s) {', '.join(m for m, _ in places)} "
                     "became storage, which every instance of the container shares; on "
                     "Platform.sh a local mount was the container's own disk (use "
                     "--local-mounts instance to keep per-instance disks)")


def _mount_maps(container: Container) -> list[tuple[CommentedMap, tuple[str, ...]]]:
    found = []
    mounts = container.node.get("mounts")
    if isinstance(mounts, CommentedMap):
        found.append((mounts, (*container.path, "mounts")))
    web = container.node.get("web") if container.worker is None else None
    if isinstance(web, CommentedMap) and isinstance(web.get("mounts"), CommentedMap):
        found.append((web["mounts"], (*container.path, "web", "mounts")))
    return found


def _convert(ctx: MigrationContext, container: Container, mounts: CommentedMap, mount: Any,
             path: tuple[str, ...], target: str) -> str | None:
    """Convert one mount in place; return its source_path when it was a local mount."""
    value = mounts[mount]
    location = ctx.location(container.app.file, mounts, mount)
    default_path = str(mount).strip("/")
    if isinstance(value, str):
        match = _STRING_MOUNT.match(value)
        if match is None:
            raise InputError(f"mount {mount!r}: cannot read legacy mount {value!r} "
                             "(expected 'shared:files/<path>')", location.file, location.line)
        sub = match.group("sub") or ""
        replacement = CommentedMap(source=target, source_path=sub)
        replace_value(mounts, mount, replacement)
        ctx.change(CODE, location, path, f"{value!r}", f"{{source: {target}, source_path: {sub}}}")
        return sub
    if isinstance(value, CommentedMap) and value.get("source") == "local":
        old = value["source"]
        value["source"] = type(old)(target) if isinstance(old, str) else target
        ctx.change(CODE, ctx.location(container.app.file, value, "source"), (*path, "source"),
                   "source: local", f"source: {target}")
        source_path = value.get("source_path")
        return str(source_path) if source_path is not None else default_path
    return None


def _warn_shared(ctx: MigrationContext, declared: dict[str, list[tuple[str, Location]]],
                 target: str) -> None:
    if target != "storage":
        return
    for source_path, uses in sorted(declared.items()):
        containers = sorted({name for name, _ in uses})
        if len(containers) < 2:
            continue
        first = min(location for _, location in uses)
        ctx.warn(CODE, first,
                 f"{', '.join(containers)} each declared a local mount with source_path "
                 f"{source_path!r}: on Platform.sh each container had its own copy, on Upsun "
                 "they now share one storage volume")
