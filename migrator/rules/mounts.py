"""UPS003: `local` mounts become `storage` (or `instance`); legacy string mounts become objects.

Only what Upsun's sources support is reported (`migrator.facts`, section mounts): a `local`
mount was each instance's own disk; a `storage` mount is one volume for all instances of that
container when it scales (a warning per container). Once per project, an info finding says
that Upsun's converter and migration guide take `instance` for `local`, and that
`--local-mounts instance` writes that. Where an app and its workers declared the same
`source_path`, Upsun's documentation is not consistent on whether they share a `storage` mount;
a network-storage service is the documented way to share files.
"""

from __future__ import annotations

import re
from collections import defaultdict

from migrator import facts
from migrator.errors import InputError
from migrator.model import ContainerKind, Location
from migrator.rules.context import Container, MigrationContext
from migrator.yamltext.nodes import Mapping, Node, Scalar, text_value
from migrator.yamltext.render import scalar

CODE = "UPS003"
TITLE = "mounts"
_STRING_MOUNT = re.compile(r"^shared:files(?:/(?P<sub>.*))?$")


def apply(ctx: MigrationContext) -> None:
    target = ctx.settings.local_mounts.value
    converted: dict[str, list[tuple[str, Location]]] = defaultdict(list)
    done: dict[Node, str | None] = {}  # mount values reached twice (merges, aliases): edited once
    by_app: dict[str, list[Container]] = defaultdict(list)
    for container in ctx.containers():
        if container.app is not None:
            by_app[container.app.name].append(container)
    for app in ctx.apps:
        declared: dict[str, list[tuple[str, Location]]] = defaultdict(list)
        for container in by_app[app.name]:
            for mounts, path in _mount_maps(container):
                for mount, value in mounts.items():
                    if value not in done:
                        done[value] = _convert(ctx, container, mounts, mount, value, target,
                                               (*path, mount))
                    source_path = _expect(ctx, value, done[value], (*path, mount), target)
                    if source_path is not None:
                        location = ctx.key_location(container.source, mounts, mount)
                        converted[container.name].append((mount, location))
                        declared[source_path].append((container.name, location))
        _warn_shared(ctx, declared, target)
    if converted:
        _note_instance(ctx, min(places[0][1] for places in converted.values()), target)
    if target == "storage":
        for name, places in converted.items():
            ctx.warn(CODE, places[0][1], f"{name}: local mount(s) {', '.join(m for m, _ in places)}"
                     " became storage: on Platform.sh a local mount was each instance's own "
                     f"disk; {facts.STORAGE_MOUNT.value}")


def _note_instance(ctx: MigrationContext, first: Location, target: str) -> None:
    """Once per project: what Upsun itself turns a `local` mount into, and the option that
    does the same."""
    chosen = ("this migration wrote `instance`, as --local-mounts instance asks" if
              target == "instance" else "this migration wrote `storage`, its default; "
              "--local-mounts instance writes `instance` instead")
    ctx.info(CODE, first, f"{facts.INSTANCE_EQUIVALENT.value}: {chosen}")


def _mount_maps(container: Container) -> list[tuple[Mapping, tuple[str, ...]]]:
    found = []
    mounts = container.node.get("mounts")
    if isinstance(mounts, Mapping):
        found.append((mounts, (*container.path, "mounts")))
    web = container.node.get("web") if container.kind is ContainerKind.APP else None
    if isinstance(web, Mapping) and isinstance(web.get("mounts"), Mapping):
        found.append((web.get("mounts"), (*container.path, "web", "mounts")))  # type: ignore
    return found


def _convert(ctx: MigrationContext, container: Container, mounts: Mapping, mount: str,
             value: Node, target: str, path: tuple[str, ...]) -> str | None:
    """Edit one mount's text; return its source_path when it was a local mount."""
    editor = ctx.editor(container.source)
    location = ctx.key_location(container.source, mounts, mount)
    if isinstance(value, Scalar):
        match = _STRING_MOUNT.match(value.value) if text_value(value) is not None else None
        if match is None:
            raise InputError(f"mount {mount!r}: cannot read legacy mount {value.value!r} "
                             "(expected 'shared:files/<path>')", location.file, location.line)
        sub = match.group("sub") or ""
        editor.replace(value, f"{{source: {target}, source_path: {scalar(sub)}}}")
        ctx.change(CODE, location, path, repr(value.value),
                   f"{{source: {target}, source_path: {sub}}}")
        return sub
    if isinstance(value, Mapping):
        source = value.get("source")
        if isinstance(source, Scalar) and text_value(source) == "local":
            quote = source.style if source.style in ("'", '"') else ""
            editor.replace(source, f"{quote}{target}{quote}")
            ctx.change(CODE, ctx.key_location(container.source, value, "source"),
                       (*path, "source"),
                       "source: local", f"source: {target}")
            source_path = value.get("source_path")
            return source_path.value if isinstance(source_path, Scalar) \
                else mount.strip("/")
    return None


def _expect(ctx: MigrationContext, value: Node, source_path: str | None,
            path: tuple[str, ...], target: str) -> str | None:
    """Note what the output must hold at this place."""
    if source_path is None:
        return None
    if isinstance(value, Scalar):
        ctx.expect(path, {"source": target, "source_path": source_path})
    else:
        ctx.expect((*path, "source"), target)
    return source_path


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
                 f"{source_path!r}: on Platform.sh each container had its own copy. "
                 + facts.APP_WORKER_SHARING.value.format(url=facts.DOCS_NETWORK_STORAGE.url))
