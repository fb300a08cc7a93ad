"""migrate(root, settings) -> MigrationResult: load, apply every rule, render. Writes nothing."""

from __future__ import annotations

from pathlib import Path

from migrator import comments, yamlio
from migrator.context import MigrationContext
from migrator.discovery import UPSUN_CONFIG, LegacyProject, load_project
from migrator.model import FileAction, Location, MigrationResult, PlannedFile, Settings
from migrator.rules import BOTH_FORMATS, RULES


def migrate(root: Path, settings: Settings) -> MigrationResult:
    project = load_project(root)
    ctx = MigrationContext(project, settings)
    for rule in RULES:
        rule.apply(ctx)
    if not settings.remove_legacy:
        ctx.warn(BOTH_FORMATS, Location(project.legacy_files[0], 0),
                 "the legacy files stay in place: Upsun refuses to deploy a repository that holds "
                 "both .platform and .upsun configuration; remove them (or use --remove-legacy) "
                 "before pushing")
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
    )


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
