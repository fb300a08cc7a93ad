"""UPS004: `'<rel>': '<service>:<endpoint>'` becomes `<rel>: {service: ..., endpoint: ...}`."""

from __future__ import annotations

from collections.abc import Iterator

from migrator.rules.context import Container, MigrationContext
from migrator.yamltext.nodes import Mapping, Node, Scalar, text_value
from migrator.yamltext.render import scalar

CODE = "UPS004"
TITLE = "relationships"


def apply(ctx: MigrationContext) -> None:
    targets = ctx.target_names()
    done: set[Node] = set()
    for relationships, container, path in relationship_maps(ctx):
        for name, value in relationships.items():
            location = ctx.key_location(container.source, relationships, name)
            service: str | None
            if isinstance(value, Scalar) and text_value(value) is not None:
                service, _, endpoint = value.value.partition(":")
                converted = {"service": service} | ({"endpoint": endpoint} if endpoint else {})
                ctx.expect((*path, name), converted)
                if value in done:
                    continue
                done.add(value)
                text = ", ".join(f"{k}: {scalar(v)}" for k, v in converted.items())
                ctx.editor(container.source).replace(value, "{" + text + "}")
                ctx.change(CODE, location, (*path, name), repr(value.value),
                           f"{{service: {service}" + (f", endpoint: {endpoint}}}" if endpoint
                                                      else "}"))
            elif isinstance(value, Mapping):
                target = value.get("service")
                service = target.value if isinstance(target, Scalar) else None
                if value in done:
                    continue
                done.add(value)
            else:
                continue
            if isinstance(service, str) and service not in targets:
                ctx.warn(CODE, location, f"relationship {name!r} targets {service!r}, which "
                         "names no service or application")


def relationship_maps(ctx: MigrationContext) -> Iterator[tuple[Mapping, Container,
                                                                tuple[str, ...]]]:
    """Every relationships mapping of apps, workers and services, once per place."""
    for container in ctx.containers() + ctx.services():
        relationships = container.node.get("relationships")
        if isinstance(relationships, Mapping):
            yield relationships, container, (*container.path, "relationships")
