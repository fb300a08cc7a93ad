"""migrate(root, settings) -> MigrationResult: load, apply every rule, check, render. Writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from migrator import comments, yamlio
from migrator.context import MigrationContext
from migrator.discovery import UPSUN_CONFIG, LegacyProject, load_project
from migrator.errors import InputError
from migrator.model import FileAction, Location, MigrationResult, PlannedFile, Settings
from migrator.rules import BOTH_FORMATS, RULES

if TYPE_CHECKING:
    from migrator.registry import Registry


@dataclass(frozen=True)
class Metadata:
    """What Upsun publishes, as far as it could be had, and where each piece came from."""

    schema: dict[str, Any] | None = None
    schema_origin: str = "no schema given: validation skipped"
    registry: Registry | None = None
    registry_origin: str = "no image registry given: version checks skipped"
    composable_origin: str = ""


def migrate(root: Path, settings: Settings, metadata: Metadata | None = None) -> MigrationResult:
    metadata = metadata or Metadata()
    project = load_project(root)
    ctx = MigrationContext(project, settings)
    for rule in RULES:
        rule.apply(ctx)
    if metadata.registry is not None:
        from migrator import checks

        checks.apply(ctx, metadata.registry, settings.upgrade_retired)
    if not settings.remove_legacy:
        ctx.warn(BOTH_FORMATS, Location(project.legacy_files[0], 0),
                 "the legacy files stay in place: Upsun refuses to deploy a repository that holds "
                 "both .platform and .upsun configuration; remove them (or use --remove-legacy) "
                 "before pushing")
    if metadata.schema is not None:
        _validate(ctx, metadata.schema)
    comments.reindent(ctx.output)
    text = yamlio.dump(ctx.output)
    if project.crlf:
        text = text.replace("\n", "\r\n")
    return MigrationResult(
        root=root,
        config_text=text,
        files=tuple(_plan(project, ctx, text.encode("utf-8"))),
        changes=tuple(ctx.changes),
        findings=tuple(ctx.findings),
        sizings=tuple(ctx.sizings),
        legacy_files=tuple(project.legacy_files),
        apps=tuple(app.name for app in project.apps),
        workers=tuple(c.name for c in ctx.containers() if c.worker is not None),
        services=tuple(ctx.services()),
        routes=len(project.routes.node) if project.routes else 0,
        profiles=tuple(sorted(ctx.profiles.items())),
        validation=_checked(metadata, project),
    )


def _checked(metadata: Metadata, project: LegacyProject) -> tuple[str, ...]:
    """The sources of the checks that ran, for the report's `checked:` lines."""
    lines = [metadata.schema_origin + (" (structure; versions are checked against the image "
                                       "registry)" if metadata.schema else ""),
             metadata.registry_origin]
    composable = any(str(app.node.get("type", "")).startswith("composable:")
                     for app in project.apps)
    if composable and metadata.composable_origin:
        lines.append(metadata.composable_origin)
    return tuple(lines)


def _validate(ctx: MigrationContext, document: dict[str, Any]) -> None:
    """The result must pass the Upsun schema; versions are the registry checks' business."""
    from migrator.validate import ANY_STRING, ExpansionError, Schema, include_resolver, validate

    try:
        errors = validate(ctx.output, Schema(document, ANY_STRING, ANY_STRING), "",
                          include_resolver(ctx.project.root, ".platform"))
    except ExpansionError as exc:
        path = ".".join(map(str, exc.path))
        raise InputError(exc.message, _source_file(ctx, path), exc.line) from None
    if errors:
        first = errors[0]
        raise InputError(f"{first.path}: {first.message} (the migrated configuration does not "
                         "pass the Upsun schema; if the legacy value is valid, please report a "
                         "bug)", _source_file(ctx, first.path), first.line)


def _source_file(ctx: MigrationContext, path: str) -> str:
    top, _, rest = path.partition(".")
    if top == "applications":
        return next((a.file for a in ctx.apps if rest == a.name or rest.startswith(a.name + ".")),
                    UPSUN_CONFIG)
    document = ctx.project.services if top == "services" else ctx.project.routes
    return document.file if document else UPSUN_CONFIG


def _plan(project: LegacyProject, ctx: MigrationContext, config: bytes) -> list[PlannedFile]:
    planned = [_planned(project.root, UPSUN_CONFIG, config)]
    for source, target in sorted(ctx.copies.items()):
        for rel_source, rel_target in _expand(project.root, source, target):
            planned.append(_planned(project.root, rel_target,
                                    (project.root / rel_source).read_bytes(), rel_source))
    if ctx.settings.remove_legacy:
        removed = list(project.legacy_files) + [p.source for p in planned if p.source]
        for rel in sorted(set(removed)):
            planned.append(PlannedFile(rel, FileAction.DELETE, (project.root / rel).read_bytes(),
                                       None))
    return [p for p in planned if p.old != p.new]


def _planned(root: Path, rel: str, new: bytes, source: str | None = None) -> PlannedFile:
    path = root / rel
    old = path.read_bytes() if path.is_file() else None
    action = FileAction.CREATE if old is None else FileAction.MODIFY
    return PlannedFile(rel, action, old, new, source)


def _expand(root: Path, source: str, target: str) -> list[tuple[str, str]]:
    """A copied file, or every file of a copied folder (`!archive`), as (source, target) pairs."""
    path = root / source
    if not path.is_dir():
        return [(source, target)]
    pairs = []
    for file in sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink()):
        sub = file.relative_to(path).as_posix()
        pairs.append((f"{source}/{sub}", f"{target}/{sub}"))
    return pairs
