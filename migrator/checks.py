"""Checks against Upsun's image registry: versions Upsun runs, endpoints images offer, profiles.

UPS201 reports an app or service version that is retired, decommissioned or unknown (error:
it will not deploy) or deprecated (warning). UPS202 reports a relationship endpoint the target
does not offer. UPS203 is `--upgrade-retired`: the version is rewritten to the nearest supported
one above it; upgrading a database is never done silently, and the report says how to move data.
"""

from __future__ import annotations

from migrator import composable
from migrator.context import Container, MigrationContext, scalar_text
from migrator.model import ContainerKind, Location, Severity
from migrator.registry import RETIRED, Registry
from migrator.rules.relationships import relationship_maps
from migrator.yamltext.nodes import Mapping, Node, Scalar, Sequence, to_data

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

VERSION = "UPS201"
ENDPOINT = "UPS202"
UPGRADE = "UPS203"


def apply(ctx: MigrationContext, registry: Registry, upgrade: bool) -> None:
    for container in _typed(ctx):
        type_ = scalar_text(container.node.get("type"))
        if type_ is None:
            continue
        is_service = container.kind is ContainerKind.SERVICE
        location = ctx.key_location(container.source, container.node, "type")
        found = registry.lookup(type_)
        if found is not None and found.profile:
            for name in _containers(ctx, container.name, is_service):
                ctx.profiles[name] = found.profile
        status = found.status if found else "unknown"
        if status in RETIRED or found is None:
            target = _upgrade(ctx, registry, container, type_, location) if upgrade else None
            if target is None:
                ctx.warn(VERSION, location, f"{type_} is {status} on Upsun and will not deploy"
                         + _alternatives(registry, type_), Severity.ERROR)
            type_ = target or type_
        elif status == "deprecated":
            ctx.warn(VERSION, location, f"{type_} is deprecated on Upsun"
                     + _alternatives(registry, type_))
        if not is_service:
            _check_stack(ctx, registry, container, type_)
    _check_endpoints(ctx, registry)


def _check_stack(ctx: MigrationContext, registry: Registry, container: Container,
                 type_: str) -> None:
    """The runtimes a composable stack names, against the channel (after any upgrade); each
    finding on the line of its stack item."""
    image, channel = registry.image(type_)
    stack = container.node.get("stack")
    if image != composable.IMAGE or stack is None or registry.lookup(type_) is None:
        return
    location = ctx.key_location(container.source, container.node, "stack")
    packages = registry.packages(type_)
    if not packages:
        ctx.info(VERSION, location, f"stack: runtimes not checked: Upsun publishes no runtime "
                 f"list for {type_}")
        return
    runtimes = stack.get("runtimes") if isinstance(stack, Mapping) else stack
    items = runtimes.items if isinstance(runtimes, Sequence) else []
    for index, is_error, message in composable.stack_problems(to_data(stack), channel, packages):
        where = ctx.location(container.source, items[index]) if index < len(items) else location
        ctx.warn(VERSION, where, message, Severity.ERROR if is_error else Severity.WARNING)


def _typed(ctx: MigrationContext) -> list[Container]:
    return [c for c in ctx.containers() if c.kind is ContainerKind.APP] + ctx.services()


def _containers(ctx: MigrationContext, name: str, is_service: bool) -> list[str]:
    if is_service:
        return [name]
    return [c.name for c in ctx.containers() if c.app is not None and c.app.name == name]


def _alternatives(registry: Registry, type_: str) -> str:
    if not registry.known_image(type_):
        return f" (Upsun has no image {registry.image(type_)[0]!r})"
    supported = registry.supported(type_)
    return f"; supported versions, nearest first: {', '.join(supported)}" if supported else ""


def _upgrade(ctx: MigrationContext, registry: Registry, container: Container, type_: str,
             location: Location) -> str | None:
    """Rewrite the type to the nearest supported version above; the new type, or None."""
    target = registry.upgrade(type_)
    entry = container.node.entry("type")
    if target is None or entry is None or not isinstance(entry[1], Scalar):
        return None
    quote = entry[1].style if entry[1].style in ("'", '"') else ""
    ctx.editor(container.source).replace(entry[1], f"{quote}{target}{quote}")
    path = (*container.path, "type")
    ctx.expect(path, target)
    ctx.change(UPGRADE, location, path, type_, target)
    if container.kind is ContainerKind.SERVICE:
        ctx.warn(UPGRADE, location, f"{container.name}: {type_} was upgraded to {target}: "
                 "export the data before the switch and import it into the new service")
    return target


def _check_endpoints(ctx: MigrationContext, registry: Registry) -> None:
    services = {service.name: service.node for service in ctx.services()}
    apps = {app.name for app in ctx.apps}
    seen: set[Node] = set()
    for relationships, container, _path in relationship_maps(ctx):
        if relationships in seen:
            continue
        seen.add(relationships)
        for name, value in relationships.items():
            text = scalar_text(value)
            if text is not None and ":" in text:
                target, _, endpoint = text.partition(":")
            elif isinstance(value, Mapping):
                target = scalar_text(value.get("service")) or ""
                endpoint = scalar_text(value.get("endpoint")) or ""
            else:
                continue
            if not target or not endpoint:
                continue
            offered = _offered(registry, services.get(target)) if target in services else \
                (["http"] if target in apps else None)
            if offered is not None and endpoint not in offered:
                ctx.warn(ENDPOINT, ctx.key_location(container.source, relationships, name),
                         f"relationship {name!r}: {target} offers no endpoint {endpoint!r} "
                         f"(it offers: {', '.join(offered) or 'none'})")


def _offered(registry: Registry, service: Any) -> list[str] | None:
    type_ = scalar_text(service.get("type")) if isinstance(service, Mapping) else None
    if type_ is None:
        return None
    found = registry.lookup(type_)
    configuration = service.get("configuration")
    endpoints = configuration.get("endpoints") if isinstance(configuration, Mapping) else None
    custom = endpoints.keys() if isinstance(endpoints, Mapping) else []
    if found is None and not custom:
        return None
    return sorted(set((found.endpoints if found else ()) + tuple(custom)))
