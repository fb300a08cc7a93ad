"""UPS005: `size`, `disk`, `resources` leave apps, `web`, workers and services; they become hints.

Values are read from the effective (merged) mapping, so a size that reached a worker through
`<<: *defaults` still gets its hint; an app's `web` values sized its web instance, and a worker
without its own `size` or `resources` had the app's. Each container's first removed key gives
way to one comment line carrying its `upsun resources:set` hint; a comment written on a removed
line is kept after it and shown with the hint in the report. Where the hint needs another
container profile than Upsun's default (legacy `resources` with more memory than the default
profile has at that size), `container_profile:` is written into the container.
"""

from __future__ import annotations

from typing import Any

from migrator.escape import comment
from migrator.model import ContainerKind, LegacySizing, ResourceHint
from migrator.rules.context import MISSING, Container, MigrationContext
from migrator.upsun import resources
from migrator.yamltext.editor import Editor, outermost_flow
from migrator.yamltext.edits import first_on_line
from migrator.yamltext.nodes import Mapping, Node, Scalar, scalar_value, to_data
from migrator.yamltext.render import flow

CODE = "UPS005"
TITLE = "resources"
KEYS = ("size", "disk", "resources")
PROFILE = "container_profile"


def apply(ctx: MigrationContext) -> None:
    written: dict[str, str] = {}  # app name -> the profile written into it
    for container in ctx.containers() + ctx.services():
        nodes = [(container.node, container.path)]
        web = container.node.get("web") if container.kind is ContainerKind.APP else None
        if isinstance(web, Mapping):
            nodes.append((web, (*container.path, "web")))
        present = [(node, path, key) for node, path in nodes for key in _ordered(node)]
        sizing = _sizing(ctx, container)
        app_profile = written.get(container.app.name) \
            if container.kind is ContainerKind.WORKER and container.app else None
        hint = _hint(ctx, container, sizing, app_profile) if sizing else None
        line = resources.comment_line(hint) if hint else None
        profile = hint.new_profile if hint and not hint.by_hand else None
        if profile and container.kind is ContainerKind.APP and container.app:
            written[container.app.name] = profile
        line, pending, kept = _remove_all(ctx, container, present, line, profile)
        if sizing is not None and hint is not None:
            if kept:  # the hint says the comments of the removed lines too
                sizing = _with_comments(sizing, kept)
                hint = _hint(ctx, container, sizing, app_profile)
            _record(ctx, container, sizing, hint)
        if (line is not None and present) or pending is not None:
            _hint_at_top(ctx.editor(container.source), _home(container), line, pending)
        if profile is not None and sizing is not None:
            _expect_profile(ctx, container, sizing, profile)


def _hint(ctx: MigrationContext, container: Container, sizing: LegacySizing,
          app_profile: str | None) -> ResourceHint:
    """The container's hint; a profile it needs that cannot be written is a warning."""
    type_ = sizing.service_type or sizing.app_type
    hint = resources.hint_for(sizing, resources.needs(container.kind, type_, ctx.registry)
                              )._replace(app_profile=app_profile)
    why = _unwritable(container) if hint.new_profile is not None else None
    return resources.profile_by_hand(hint, why) if why else hint


def _record(ctx: MigrationContext, container: Container, sizing: LegacySizing,
            hint: ResourceHint) -> None:
    ctx.sizings.append(sizing)
    ctx.hints.append(hint)
    for warning in hint.warnings:
        ctx.warn(CODE, sizing.location, f"{container.name}: {warning}")


def _unwritable(container: Container) -> str | None:
    """Why `container_profile:` cannot be written into this container's own block mapping, or
    None when it can: it must reach this container only, and take a line of its own."""
    node = container.node
    if node.anchor is not None or container.borrowed:
        return "its mapping is shared through an anchor"
    if node.flow:
        return "its mapping is written in flow style"
    doc = container.source.doc
    if not any(first_on_line(doc, key.start) for key, _ in node.pairs):
        return "none of its keys starts a line"
    return None


def _expect_profile(ctx: MigrationContext, container: Container, sizing: LegacySizing,
                    profile: str) -> None:
    path = (*container.path, PROFILE)
    ctx.expect(path, profile)
    ctx.change(CODE, sizing.location, path, "(Upsun's default profile)", f"{PROFILE}: {profile}")


def _ordered(node: Mapping) -> list[str]:
    """The resource keys a mapping has (own or merged), own ones in file order first."""
    own = [k for k in node.own_keys() if k in KEYS]
    return own + [k for k in KEYS if k in node and k not in own]


def _remove_all(ctx: MigrationContext, container: Container,
                present: list[tuple[Mapping, tuple[str, ...], str]],
                hint: str | None, profile: str | None
                ) -> tuple[str | None, str | None, list[str]]:
    """Remove every resource key; the first own one gives way to the hint (and the profile,
    when it is in the container's own mapping). The hint and the profile no key took, and the
    comments of the removed lines."""
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
        with_profile = own and hint is not None and profile is not None \
            and holder is container.node
        removed = editor.remove(holder, key, lines,
                                [f"{PROFILE}: {profile}"] if with_profile else None)
        if removed.own_comment:
            kept.append(removed.own_comment)
        ctx.change(CODE, location, (*path, key), before,
                   f"# {hint}" if own and hint else "(removed; see resource hints)")
        if own:
            hint = None
            profile = None if with_profile else profile
    return hint, profile, kept


def _home(container: Container) -> Mapping:
    """Where a hint goes when no key of the container's own was removed."""
    if container.borrowed and container.app is not None:
        return container.app.mapping
    return container.node


def _hint_at_top(editor: Editor, home: Mapping, hint: str | None, profile: str | None) -> None:
    """The hint no own key took, and the profile, at the top of the container (the profile
    only ever in a block mapping of its own: `_can_write_profile`)."""
    lines = [f"# {comment(hint)}"] if hint is not None else []
    if home.flow or not home.pairs:
        editor.lines_before(outermost_flow(editor.doc, home).start, lines)
        return
    if profile is not None:
        place = next(key for key, _ in home.pairs if first_on_line(editor.doc, key.start))
        editor.lines_before(place.start, [*lines, f"{PROFILE}: {profile}"],
                            editor.doc.column(place.start))
        return
    first = next((key for key, _ in home.pairs if key not in editor.removed), home.pairs[0][0])
    editor.lines_before(first.start, lines, editor.doc.column(first.start))


def _flow(ctx: MigrationContext, container: Container, node: Node) -> str:
    return flow(to_data(node))


def _sizing(ctx: MigrationContext, container: Container) -> LegacySizing | None:
    node = container.node
    app_node = container.app.mapping if container.app is not None else None
    values, from_web, inherited = _values(container, node, app_node)
    size, disk, legacy = values["size"], values["disk"], values["resources"]
    if size is None and disk is None and legacy is None:
        return None
    first = next(iter(_ordered(node)), None)
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
    is_service = container.kind is ContainerKind.SERVICE
    own_profile = _value(node.get(PROFILE))
    return LegacySizing(
        container=container.name, kind=container.kind,
        names=(container.name,) if container.worker is None or container.app is None
        else (container.app.name, container.worker),
        location=ctx.location(container.source, entry[0] if entry else node),
        size=None if size is None else str(size),
        size_inherited="size" in inherited and size is not None,
        disk=_int(disk), base_memory=_int(legacy.get("base_memory")),
        memory_ratio=_int(legacy.get("memory_ratio")),
        app_type=type_ if isinstance(type_, str) and not is_service else None,
        service_type=type_ if isinstance(type_, str) and is_service else None,
        resources_inherited="resources" in inherited and bool(legacy),
        from_web=from_web,
        container_profile=own_profile if isinstance(own_profile, str) else None)


def _values(container: Container, node: Mapping, app_node: Mapping | None
            ) -> tuple[dict[str, Any], tuple[str, ...], tuple[str, ...]]:
    """Each of `size`, `disk`, `resources` as Platform.sh read it for this container: an app's
    `web` value wins (it set the web instance's); a worker without its own `size` or
    `resources` had the app's top-level one. The keys read from `web`, and the inherited ones."""
    values = {key: _value(node.get(key)) for key in KEYS}
    web = node.get("web") if container.kind is ContainerKind.APP else None
    from_web = tuple(k for k in KEYS if isinstance(web, Mapping) and web.get(k) is not None)
    for key in from_web:
        assert isinstance(web, Mapping)
        values[key] = _value(web.get(key))
    inherited: tuple[str, ...] = ()
    if container.kind is ContainerKind.WORKER and app_node is not None:
        inherited = tuple(k for k in ("size", "resources") if k not in node
                          and _value(app_node.get(k)) is not None)
        for key in inherited:
            values[key] = _value(app_node.get(key))
    return values, from_web, inherited


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
