"""UPS008: files that `!include`/`!archive` in services and routes name move to `.upsun/`.

Those paths are relative to the configuration folder, so what they reference is copied from
`.platform/` to `.upsun/`. Paths in application files are relative to the app (its
`source.root` when it has one) and stay; they are only checked (never outside the repository).

A path is placed by its text (`posixpath.normpath`), which the pipeline's reader checks names
the same file as the file system does: never above the repository, never `..` out of a link.
Inside `.platform/` it is copied to its plain path (a tag that goes up is rewritten to it);
outside `.platform/` but inside the repository it names the same file from `.upsun/` and stays.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from migrator.errors import RefusedError
from migrator.legacy.discovery import include_path, included_service
from migrator.legacy.model import CONFIG_DIR, LegacyApp, LegacyDocument, SourceFile
from migrator.model import Location
from migrator.rules.context import MigrationContext, scalar_text
from migrator.yamltext.nodes import Mapping, Node, Scalar, Sequence, Tagged, to_data

CODE = "UPS008"
TITLE = "includes"
PLATFORM_TAGS = ("!include", "!archive")


#: Where YAML files included from the top of `.platform/` go: Upsun reads every first-level
#: `.upsun/*.yaml` as configuration, so a copy there would be read as a second config file.
INCLUDES_DIR = "includes"
#: What Upsun publishes about include paths that leave the configuration folder (Upsun docs
#: `learn/overview/yaml/platform-yaml-tags.md`, platformsh/platformsh-docs 1272e14: "It is
#: possible to include files from a directory parent to the folder", shown for an application's
#: `!include`; `!archive` is "relative to where the YAML file is"); `upsun app:config-validate`
#: (CLI 5.x) does not look at include paths at all.
OUTSIDE_SOURCES = "Upsun's documentation shows include paths that leave the configuration " \
    "folder for applications only: check that Upsun reads this one"
#: A path that reads back as itself written plain (else it is double-quoted)
_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]*")


def apply(ctx: MigrationContext) -> None:
    """Each tagged file of services and routes is copied (it must exist: the pipeline looks);
    an app's must exist too, or is reported."""
    for document in (ctx.project.services, ctx.project.routes):
        if document is None:
            continue
        removed = ctx.editor(document.source).removed
        for node in tagged_nodes(document.node, removed):
            line = document.source.line(node.start)
            path = _relative(node, document.file, line)
            ctx.require(CODE, f"{CONFIG_DIR}/{path}", Location(document.file, line),
                        node.tag or "", fatal=True)
            _place(ctx, document, node, path, line)
    for app in ctx.apps:
        base = PurePosixPath(_app_base(app))
        for node in tagged_nodes(app.mapping):
            line = app.source.line(node.start)
            rel = (base / _relative(node, app.file, line)).as_posix()
            ctx.require(CODE, rel, Location(app.file, line), node.tag or "", fatal=False)


def _place(ctx: MigrationContext, document: LegacyDocument, node: Node, path: str,
           line: int) -> None:
    """Where what a tag names goes, by its path taken as text (the pipeline checks that the
    file system means the same): a copy under `.upsun/`, or, outside `.platform/`, nowhere."""
    rel = f"{CONFIG_DIR}/{path}"
    normal = posixpath.normpath(rel)
    if normal == ".." or normal.startswith("../"):
        raise RefusedError(f"{rel} leads outside the repository", document.file, line)
    if normal == CONFIG_DIR:
        raise RefusedError(f"{node.tag} names the whole {CONFIG_DIR}/ folder, which holds the "
                           "legacy configuration: name what it needs inside it", document.file,
                           line)
    location = Location(document.file, line)
    if not normal.startswith(f"{CONFIG_DIR}/"):
        _stays(ctx, document, node, path, normal, line)
        return
    target = _target(ctx, document.source, node, path, normal[len(CONFIG_DIR) + 1:])
    if normal not in ctx.copies:
        ctx.copies[normal] = target
        edited = " (with the rules applied in the copy)" \
            if normal in {s.rel for s in ctx.project.included.values()} else ""
        ctx.warn(CODE, location, f"{normal} is copied to {target}{edited}: commit the copy "
                                 "with .upsun/config.yaml")


def _stays(ctx: MigrationContext, document: LegacyDocument, node: Node, path: str, normal: str,
           line: int) -> None:
    """A path that leaves `.platform/` but not the repository: `.platform/` and `.upsun/` are
    both folders at its top, so from either the path names the same file, which stays where it
    is (it is no legacy file: --remove-legacy leaves it). A whole service included from there
    cannot be: the rules edit an included service in its copy."""
    if document is ctx.project.services and included_service(node) and \
            any(value is node for _, value in document.node.items()):
        raise RefusedError(f"a service included from outside {CONFIG_DIR}/ ({normal}) cannot "
                           "be migrated: the rules edit an included service in its copy under "
                           f".upsun/; move the file into {CONFIG_DIR}/ and run again",
                           document.file, line)
    shown = posixpath.normpath(path)
    if shown != path and ".." in PurePosixPath(path).parts:
        _rewrite(ctx, document.source, node, shown)
    ctx.warn(CODE, Location(document.file, line), f"{CONFIG_DIR}/{path} is outside {CONFIG_DIR}/"
             f" and stays where it is: from .upsun/, {shown} names the same file (it is not "
             f"copied, and --remove-legacy leaves it); {OUTSIDE_SOURCES}")


def _target(ctx: MigrationContext, source: SourceFile, node: Node, path: str, inner: str) -> str:
    """Where the copy of `.platform/<inner>` goes. A YAML file from the top of `.platform/`
    goes to `includes/`, and a path that goes up (`conf/../x`) is written plainly: the tag's
    path is rewritten to match (recorded, so the run's proof checks it)."""
    top_yaml = "/" not in inner and inner.endswith((".yaml", ".yml"))
    moved = f"{INCLUDES_DIR}/{inner}" if top_yaml else inner
    if moved != path and (top_yaml or ".." in PurePosixPath(path).parts):
        _rewrite(ctx, source, node, moved)
    return f".upsun/{moved}"


def _rewrite(ctx: MigrationContext, source: SourceFile, node: Node, moved: str) -> None:
    """The tag's path becomes `moved`, in the quoting it had (a plain one that would not read
    back as the same text is double-quoted)."""
    spec = node.get("path") if isinstance(node, Mapping) else node
    if not isinstance(spec, Scalar):
        raise RefusedError(f"{node.tag} path is not a plain string", source.rel,
                           source.line(node.start))
    ctx.editor(source).replace(spec, _quoted(moved, spec.style))
    data = to_data(node)
    value = Tagged(node.tag or "", dict(data.value, path=moved) if isinstance(data.value, dict)
                   else moved)
    for where in ctx.output_paths(source, node):  # an alias repeats it: every place
        ctx.expect(where, value)


def _quoted(path: str, style: str | None) -> str:
    if style == "'":
        return "'" + path.replace("'", "''") + "'"
    if style == '"' or not _PLAIN.fullmatch(path):
        return json.dumps(path, ensure_ascii=False)
    return path


def _app_base(app: LegacyApp) -> str:
    """Where an app's include paths start: its `source.root`, else its folder."""
    source = app.mapping.get("source")
    root = scalar_text(source.get("root")) if isinstance(source, Mapping) else None
    return root.strip("/") or "." if root is not None else (app.subdir or ".")


def _relative(node: Node, file: str, line: int) -> str:
    path = include_path(node, file, line)
    if PurePosixPath(path).is_absolute():
        raise RefusedError(f"{node.tag} of absolute path {path!r} is not allowed", file, line)
    return path


def tagged_nodes(root: Node, removed: set[Node] | None = None) -> Iterator[Node]:
    """Every `!include`/`!archive` node under root, in document order (aliases not followed),
    leaving out entries a rule removed (their files are not needed)."""
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        if node.tag in PLATFORM_TAGS:
            yield node
            continue
        if isinstance(node, Mapping):
            stack.extend(reversed([value for key, value in node.pairs
                                   if removed is None or key not in removed]))
        elif isinstance(node, Sequence):
            stack.extend(reversed(node.items))
