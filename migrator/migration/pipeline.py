"""migrate(root, settings) -> MigrationResult: load, apply every rule, prove, check. Writes
nothing."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any, NamedTuple

from migrator.errors import ExpansionError, InputError
from migrator.facts import ONE_FORMAT
from migrator.legacy import paths
from migrator.legacy.discovery import load_project
from migrator.legacy.model import UPSUN_CONFIG, LegacyProject
from migrator.legacy.reader import Reader
from migrator.migration import datamoves
from migrator.migration.assemble import assemble, edited
from migrator.migration.verify import prove
from migrator.model import (
    ContainerKind,
    FileAction,
    Location,
    MigrationResult,
    PlannedFile,
    Settings,
)
from migrator.rules import BOTH_FORMATS, OPTIONAL, RULES, images
from migrator.rules.codes import selected
from migrator.rules.context import MigrationContext, scalar_text
from migrator.upsun import deviations, instance
from migrator.upsun.composable import IMAGE
from migrator.upsun.minischema import Validator
from migrator.upsun.registry import Registry
from migrator.upsun.upsunfiles import ANY_STRING, RUNTIME_URL, SERVICE_URL
from migrator.yamltext.nodes import Node, written_at
from migrator.yamltext.parse import gc_paused, parse


class Metadata(NamedTuple):
    """What Upsun publishes, as far as it could be had, and where each piece came from."""

    schema: dict[str, Any] | None = None
    schema_origin: str = "no schema given: validation skipped"
    registry: Registry | None = None
    registry_origin: str = "no image registry given: version checks skipped"
    composable_origin: str = ""
    schema_audited: bool = False  # read by published.get, which audits every source it reads


def migrate(root: Path, settings: Settings, metadata: Metadata | None = None) -> MigrationResult:
    """The migration of one repository, with the cyclic garbage collector paused (`gc_paused`)."""
    with gc_paused():
        return _migrate(root, settings, metadata or Metadata())


def _migrate(root: Path, settings: Settings, metadata: Metadata) -> MigrationResult:
    project = load_project(root)
    ctx = MigrationContext(project, settings, metadata.registry)
    for rule in RULES:
        if rule.CODE not in OPTIONAL or selected(rule.CODE, settings.select, settings.ignore):
            rule.apply(ctx)
            if ctx.required:
                _look_for_required(ctx)
    if metadata.registry is not None:
        upgrade = settings.upgrade_retired and selected(images.UPGRADE, settings.select,
                                                        settings.ignore)
        images.apply(ctx, metadata.registry, upgrade)
    data = datamoves.plan(ctx)
    if not settings.remove_legacy:
        ctx.warn(BOTH_FORMATS, Location(project.legacy_files[0], 0),
                 f"the legacy files stay in place: {ONE_FORMAT.value}; remove them (or use "
                 "--remove-legacy) before pushing")
    text = assemble(ctx)
    document, output = prove(ctx, text)
    if metadata.schema is not None:
        if document.aliased or document.tagged:  # else its own nodes are all there is
            output = _instance(ctx, output, document.nodes)
        _validate(ctx, output, metadata.schema, metadata.schema_audited)

    def keep(code: str) -> bool:
        return selected(code, settings.select, settings.ignore)

    files = tuple(_plan(project, ctx, text.encode("utf-8")))  # may add findings: first
    return MigrationResult(
        root=root,
        config_text=text,
        files=files,
        changes=tuple(c for c in ctx.changes if keep(c.code)),
        findings=tuple(f for f in ctx.findings if keep(f.code)),
        sizings=tuple(ctx.sizings),
        hints=tuple(ctx.hints),
        legacy_files=tuple(project.legacy_files),
        apps=tuple(app.name for app in project.apps),
        workers=tuple(c.name for c in ctx.containers() if c.worker is not None),
        services=tuple(ctx.service_names()),
        routes=len(ctx.places.routes),
        profiles=tuple(sorted(ctx.profiles.items())),
        validation=_checked(metadata, ctx),
        data=data,
        types=_types(ctx),
    )


def _types(ctx: MigrationContext) -> tuple[str, ...]:
    """Each image type the output names for an application or a service, once, in file order:
    the type a rule rewrote (`--upgrade-retired`) as rewritten."""
    rewritten = {path: value for path, value in ctx.expected
                 if path[-1:] == ("type",) and isinstance(value, str)}
    found = [rewritten.get((*c.path, "type")) or scalar_text(c.node.get("type"))
             for c in (*ctx.containers(), *ctx.services()) if c.kind is not ContainerKind.WORKER]
    return tuple(dict.fromkeys(t for t in found if t))


def _look_for_required(ctx: MigrationContext) -> None:
    """The files a rule said the output names, looked for in the repository (rules never touch
    the disk): a missing one is an error or a warning, as the rule said."""
    reader = Reader(ctx.project.root)
    for need in ctx.required:
        file, line = need.location
        if not reader.exists(need.rel, file, line):
            message = f"{need.tag} names {need.rel}, which does not exist"
            if need.fatal:
                raise InputError(message, file, line)
            ctx.warn(need.code, need.location, message)
    ctx.required.clear()


def _checked(metadata: Metadata, ctx: MigrationContext) -> tuple[str, ...]:
    """The sources of the checks that ran, for the report's `checked:` lines."""
    lines = [metadata.schema_origin + (" (structure; versions are checked against the image "
                                       "registry)" if metadata.schema else ""),
             metadata.registry_origin]
    uses_composable = any((scalar_text(app.node.get("type")) or "").startswith(f"{IMAGE}:")
                          for app in ctx.containers() if app.kind is ContainerKind.APP)
    if uses_composable and metadata.composable_origin:
        lines.append(metadata.composable_origin)
    return tuple(lines)


def _instance(ctx: MigrationContext, output: Any, written: int) -> Any:
    """The output as the schema checks it (`migrator.upsun.instance`), bounded; an alias bomb is
    refused with the legacy file and line of the place where it expands."""
    try:
        return instance.build(output, _include_loader(ctx), written)
    except ExpansionError as exc:
        if exc.file:
            raise
        shown = ExpansionError(list(exc.path)).path
        raise ExpansionError(shown, *_source_of(ctx, list(shown))) from None


_VALIDATOR: list[tuple[dict[str, Any], Validator]] = []  # the last schema and its validator


def _validator(document: dict[str, Any], audited: bool) -> Validator:
    """One validator per schema document and process: bulk migrates many repositories with the
    same schema. A schema `published.get` read was audited there (the schema walked whole): a
    file or a download when it is read, a cached copy when it was stored, the embedded copy by
    the tests; any other is audited here."""
    if not _VALIDATOR or _VALIDATOR[0][0] is not document:
        _VALIDATOR[:] = [(document, Validator(deviations.apply(document), {
            RUNTIME_URL: ANY_STRING, SERVICE_URL: ANY_STRING}, audited))]
    return _VALIDATOR[0][1]


def prepare(metadata: Metadata) -> None:
    """Set up now what the first migration of a process would: the YAML parser's first parse
    and the schema's validator. `bulk` calls it before it forks its workers, which then inherit
    both instead of each building them."""
    parse("{}\n", "(prepare)").line(0)
    if metadata.schema is not None:
        _validator(metadata.schema, metadata.schema_audited)


def _validate(ctx: MigrationContext, output: Any, document: dict[str, Any],
              audited: bool) -> None:
    """The result (its tagged values as Upsun reads them) must pass the Upsun schema; versions
    are the registry checks' business."""
    errors = sorted(_validator(document, audited).errors(output),
                    key=lambda e: tuple(map(str, e.path)))
    if errors:
        first = errors[0]
        path = ".".join(map(str, first.path))
        file, line = _source_of(ctx, list(first.path))
        raise InputError(f"{path}: {first.message} (the migrated configuration does not "
                         "pass the Upsun schema; if the legacy value is valid, please report a "
                         "bug)", file, line)


def _include_loader(ctx: MigrationContext) -> instance.Loader:
    """What a yaml `!include` of the output names, and the legacy file it is read from: the
    copy the run writes (an included service as the rules edited it), else from `.platform/`,
    else the repository root."""
    reader = Reader(ctx.project.root)
    sources = {target: source for source, target in ctx.copies.items()}

    def read(rel: str) -> tuple[str, str]:
        copied = sources.get(f".upsun/{rel}")
        if copied is not None:
            return _copy(ctx, reader, copied).decode("utf-8"), copied
        return reader.read(rel), rel

    return instance.loader(read, ("", ".platform/"))


def _source_of(ctx: MigrationContext, path: list[Any]) -> tuple[str, int]:
    """The legacy file and line of the deepest node along an output path."""
    top = path[0] if path else ""
    if top == "applications" and len(path) > 1:
        app = next((a for a in ctx.apps if a.name == path[1]), None)
        if app is None:
            return UPSUN_CONFIG, 0
        node: Node | None = app.mapping
        source, rest = app.source, path[2:]
    else:
        document = ctx.project.services if top == "services" else ctx.project.routes
        if document is None:
            return UPSUN_CONFIG, 0
        node, source, rest = document.node, document.source, path[1:]
    if node is None:
        return source.rel, 0
    offset = written_at(node, rest)
    return source.rel, source.line(node.start if offset is None else offset)


def _plan(project: LegacyProject, ctx: MigrationContext, config: bytes) -> list[PlannedFile]:
    """Every file to create, change or remove, with what it holds now: read by `paths.current`,
    never through a link (`writer.refuse_unsafe_plan` refuses those); copies read by
    `paths.source`."""
    root, reader = project.root, Reader(project.root)
    planned = [_planned(root, UPSUN_CONFIG, config)]
    for source, target in sorted(ctx.copies.items()):
        for rel_source, rel_target in _expand(ctx, reader, source, target):
            planned.append(_planned(root, rel_target, _copy(ctx, reader, rel_source),
                                    rel_source))
    if ctx.settings.remove_legacy:
        removed = list(project.legacy_files) + [p.source for p in planned if p.source]
        for rel in sorted(set(removed)):
            planned.append(PlannedFile(rel, FileAction.DELETE, paths.current(root, rel), None))
    return [p for p in planned if p.action is FileAction.DELETE or p.old != p.new]


def _copy(ctx: MigrationContext, reader: Reader, rel: str) -> bytes:
    """What a copy holds: an included service file as the rules edited it, else the bytes."""
    included = next((s for s in ctx.project.included.values() if s.rel == rel), None)
    if included is None:
        return paths.source(reader, rel)
    text = edited(ctx, included)
    return (text.replace("\n", "\r\n") if included.crlf else text).encode("utf-8")


def _planned(root: Path, rel: str, new: bytes, source: str | None = None) -> PlannedFile:
    old = paths.current(root, rel)
    action = FileAction.CREATE if old is None else FileAction.MODIFY
    return PlannedFile(rel, action, old, new, source)


def _expand(ctx: MigrationContext, reader: Reader, source: str,
            target: str) -> list[tuple[str, str]]:
    """A copied file, or every regular file of a copied folder (`!archive`), as (source, target)
    pairs. The folder's links are not followed: each one (and anything not a regular file) is
    reported, not copied."""
    path = reader.inside(source)
    if not path.is_dir():
        return [(source, target)]
    pairs = []
    for folder, dirs, files in os.walk(path):  # links to folders are listed, never entered
        dirs.sort()
        here = Path(folder).relative_to(path).as_posix()
        for name in sorted(dirs + files):
            sub = name if here == "." else f"{here}/{name}"
            try:
                mode = os.lstat(os.path.join(folder, name)).st_mode
            except FileNotFoundError:  # gone since the folder was listed
                continue
            if stat.S_ISREG(mode):
                pairs.append((f"{source}/{sub}", f"{target}/{sub}"))
            elif not stat.S_ISDIR(mode):
                ctx.warn("UPS008", Location(f"{source}/{sub}"), f"is not copied to {target}/{sub}"
                         f": {'a symbolic link' if stat.S_ISLNK(mode) else 'not a regular file'}"
                         "; a copy holds regular files only (copy what Upsun needs yourself)")
    return pairs
