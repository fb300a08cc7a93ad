"""UPS004: `'<rel>': '<service>:<endpoint>'` becomes `<rel>: {service: ..., endpoint: ...}`."""

from __future__ import annotations

from collections.abc import Iterator

from ruamel.yaml.comments import CommentedMap

from migrator import yamlio
from migrator.comments import replace_value
from migrator.context import MigrationContext

CODE = "UPS004"
TITLE = "relationships"


def apply(ctx: MigrationContext) -> None:
    targets = ctx.target_names()
    done: set[int] = set()
    for relationships, file, path in relationship_maps(ctx):
        if id(relationships) in done:
            continue
        done.add(id(relationships))
        for name in yamlio.own_keys(relationships):
            value = relationships[name]
            location = ctx.location(file, relationships, name)
            if isinstance(value, str):
                service, _, endpoint = value.partition(":")
                converted = CommentedMap(service=service)
                if endpoint:
                    converted["endpoint"] = endpoint
                replace_value(relationships, name, converted)
                ctx.change(CODE, location, (*path, name), repr(value),
                           f"{{service: {service}" + (f", endpoint: {endpoint}}}" if endpoint
                                                      else "}"))
            elif isinstance(value, CommentedMap):
                service = value.get("service")
            else:
                continue
            if isinstance(service, str) and service not in targets:
                ctx.warn(CODE, location, f"relationship {name!r} targets {service!r}, which "
                         "names no service or application")


def relationship_maps(ctx: MigrationContext) -> Iterator[tuple[CommentedMap, str,
                                                                tuple[str, ...]]]:
    for container in ctx.containers():
        relationships = container.node.get("relationships")
        if isinstance(relationships, CommentedMap):
            yield relationships, container.app.file, (*container.path, "relationships")
    services = ctx.services()
    for name in services:
        service = services[name]
        relationships = service.get("relationships") if isinstance(service, CommentedMap) \
            else None
        if isinstance(relationships, CommentedMap):
            yield relationships, ctx.services_file, ("services", name, "relationships")
