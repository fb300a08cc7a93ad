"""Checks against Upsun's image registry: versions Upsun runs, endpoints images offer, profiles.

UPS201 reports an app or service version that is retired, decommissioned or unknown (error:
it will not deploy) or deprecated (warning). UPS202 reports a relationship endpoint the target
does not offer. UPS203 is `--upgrade-retired`: the version is rewritten to the nearest supported
one above it; upgrading a database is never done silently, and the report says how to move data.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap

from migrator import composable
from migrator.context import MigrationContext
from migrator.model import Location, Severity
from migrator.registry import RETIRED, Registry
from migrator.rules.relationships import relationship_maps

VERSION = "UPS201"
ENDPOINT = "UPS202"
UPGRADE = "UPS203"


def apply(ctx: MigrationContext, registry: Registry, upgrade: bool) -> None:
    for node, file, path, container, is_service in _typed(ctx):
        type_ = node.get("type")
        if not isinstance(type_, str):
            continue
        location = ctx.location(file, node, "type")
        found = registry.lookup(type_)
        if found is not None and found.profile:
            for name in _containers(ctx, container, is_service):
                ctx.profiles[name] = found.profile
        status = found.status if found else "unknown"
        if status in RETIRED or found is None:
            if not (upgrade and _upgrade(ctx, registry, node, type_, location, path, is_service)):
                ctx.warn(VERSION, location, f"{type_} is {status} on Upsun and will not deploy"
                         + _alternatives(registry, type_), Severity.ERROR)
        elif status == "deprecated":
            ctx.warn(VERSION, location, f"{type_} is deprecated on Upsun"
                     + _alternatives(registry, type_))
        if not is_service and "stack" in node:
            _check_stack(ctx, registry, node, file)
    _check_endpoints(ctx, registry)


def _check_stack(ctx: MigrationContext, registry: Registry, node: CommentedMap,
                 file: str) -> None:
    """The runtimes a composable stack names, against the channel (after any upgrade)."""
    type_ = str(node.get("type"))
    image, channel = registry.image(type_)
    if image != composable.IMAGE or registry.lookup(type_) is None:
        return
    location = ctx.location(file, node, "stack")
    packages = registry.packages(type_)
    if not packages:
        ctx.info(VERSION, location, f"stack: runtimes not checked: Upsun publishes no runtime "
                 f"list for {type_}")
        return
    for is_error, message in composable.stack_problems(node["stack"], channel, packages):
        ctx.warn(VERSION, location, message, Severity.ERROR if is_error else Severity.WARNING)


def _typed(ctx: MigrationContext) -> list[tuple[CommentedMap, str, tuple[str, ...], str, bool]]:
    found: list[tuple[CommentedMap, str, tuple[str, ...], str, bool]] = [
        (app.node, app.file, ("applications", app.name), app.name, False) for app in ctx.apps]
    services = ctx.services()
    found += [(services[name], ctx.services_file, ("services", name), name, True)
              for name in services if isinstance(services[name], CommentedMap)]
    return found


def _containers(ctx: MigrationContext, name: str, is_service: bool) -> list[str]:
    if is_service:
        return [name]
    return [c.name for c in ctx.containers() if c.app.name == name]


def _alternatives(registry: Registry, type_: str) -> str:
    if not registry.known_image(type_):
        return f" (Upsun has no image {registry.image(type_)[0]!r})"
    supported = registry.supported(type_)
    return f"; supported versions, nearest first: {', '.join(supported)}" if supported else ""


def _upgrade(ctx: MigrationContext, registry: Registry, node: CommentedMap, type_: str,
             location: Location, path: tuple[str, ...], is_service: bool) -> bool:
    target = registry.upgrade(type_)
    if target is None:
        return False
    old = node["type"]
    node["type"] = type(old)(target) if isinstance(old, str) else target
    ctx.change(UPGRADE, location, (*path, "type"), type_, target)
    if is_service:
        ctx.warn(UPGRADE, location, f"{path[-1]}: {type_} was upgraded to {target}: export the "
                 "data before the switch and import it into the new service")
    return True


def _check_endpoints(ctx: MigrationContext, registry: Registry) -> None:
    services = ctx.services()
    apps = {app.name for app in ctx.apps}
    seen: set[int] = set()
    for relationships, file, _path in relationship_maps(ctx):
        if id(relationships) in seen:
            continue
        seen.add(id(relationships))
        for name, value in relationships.items():
            if not isinstance(value, CommentedMap):
                continue
            target, endpoint = value.get("service"), value.get("endpoint")
            if not isinstance(target, str) or not isinstance(endpoint, str):
                continue
            offered = _offered(registry, services.get(target)) if target in services else \
                (["http"] if target in apps else None)
            if offered is not None and endpoint not in offered:
                ctx.warn(ENDPOINT, ctx.location(file, relationships, name),
                         f"relationship {name!r}: {target} offers no endpoint {endpoint!r} "
                         f"(it offers: {', '.join(offered) or 'none'})")


def _offered(registry: Registry, service: Any) -> list[str] | None:
    if not isinstance(service, CommentedMap) or not isinstance(service.get("type"), str):
        return None
    found = registry.lookup(service["type"])
    configuration = service.get("configuration")
    custom = list(configuration.get("endpoints") or {}) \
        if isinstance(configuration, CommentedMap) else []
    if found is None and not custom:
        return None
    return sorted(set((found.endpoints if found else ()) + tuple(custom)))
