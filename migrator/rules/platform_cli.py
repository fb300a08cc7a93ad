"""UPS012: shell commands in the configuration that use the Platform.sh CLI.

Hooks, crons, worker and web commands and source operations often call `platform`, download its
installer, or read `PLATFORMSH_CLI_TOKEN`. On Upsun the CLI is `upsun` and its token
`UPSUN_CLI_TOKEN`. Each use is reported with its line; shell text is never rewritten silently:
only with `--rename-platform-cli`, and then only the exact command word `platform`, the
variable name, and an installer line in the exact form Platform.sh published it, which becomes
the line Upsun's docs install the Upsun CLI with (a path to the binary is reported, not
rewritten). An app whose commands install the Platform.sh CLI in any other way keeps all its
commands as they are, and each of its uses says why: `upsun` would not be installed there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from migrator import facts
from migrator.model import Location
from migrator.rules import platformcli
from migrator.rules.context import Container, MigrationContext, yaml_path
from migrator.yamltext.nodes import Mapping, Node, Scalar, text_value

CODE = "UPS012"
TITLE = "platform-cli"

#: Where a container's shell commands live, as paths of mapping keys (`*`: every key).
COMMAND_PATHS = (("hooks", "*"), ("crons", "*", "commands", "*"), ("web", "commands", "*"),
                 ("commands", "*"), ("source", "operations", "*", "command"))
#: Commands UPS009 moves under `commands.start`: reported, never renamed (one edit per value).
MOVED_PATHS = (("crons", "*", "cmd"), ("crons", "*", "commands"))


class _Command(NamedTuple):
    container: Container
    path: tuple[str, ...]
    node: Scalar
    renamable: bool
    places: list[tuple[platformcli.Use, int | None]]


def apply(ctx: MigrationContext) -> None:
    done: set[Node] = set()  # a command shared through an alias or a merge is read once
    found: list[_Command] = []
    for container in ctx.containers():
        for path, node, renamable in commands(container):
            if node not in done:
                done.add(node)
                found.append(_Command(container, path, node, renamable,
                                      _places(container, node)))
    asked = ctx.settings.rename_platform_cli
    blocked = _blocked(found) if asked else {}
    for item in found:
        app = _app_name(item.container)
        renamed = item.renamable and asked and app not in blocked and \
            _rename(ctx, item.container, item.path, item.node, item.places)
        for use, offset in item.places:
            line = item.container.source.line(item.node.start if offset is None else offset)
            note = _note(use, renamed, asked, blocked.get(app))
            ctx.warn(CODE, Location(item.container.file, line),
                     use.message(yaml_path(*item.path)) + note)


def _app_name(container: Container) -> str:
    return container.app.name if container.app is not None else container.name


def _blocked(found: list[_Command]) -> dict[str, str]:
    """The apps whose commands install the Platform.sh CLI in a way the rename cannot replace
    with the Upsun CLI's installer (another form, a place not certain, a moved command), each
    with that installer: renaming `platform` to `upsun` there would call a CLI the build does
    not install, so nothing of theirs is renamed."""
    blocked: dict[str, str] = {}
    for item in found:
        for use, offset in item.places:
            if use.kind is platformcli.Kind.INSTALLER and (
                    use.replacement is None or offset is None or not item.renamable):
                blocked.setdefault(_app_name(item.container), use.text)
    return blocked


def _note(use: platformcli.Use, renamed: bool, asked: bool, installer: str | None) -> str:
    if not asked:
        return ""
    upsun = f"`{facts.UPSUN_CLI_INSTALL.value}`, as Upsun's docs do in a build hook"
    if installer is not None and use.kind is platformcli.Kind.INSTALLER:
        why = "only the lines Platform.sh published its installers with are" \
            if installer == use.text else f"this app also installs it as `{installer}`"
        return (f"; not replaced ({why}): install the Upsun CLI with {upsun}, and rename this "
                "app's commands by hand")
    if installer is not None:
        return (f"; not renamed: this app installs the Platform.sh CLI (`{installer}`), so "
                f"`upsun` would not be there: install the Upsun CLI with {upsun}, and rename by "
                "hand")
    if use.replacement is None:
        return ""
    if renamed and use.kind is platformcli.Kind.INSTALLER:
        return f"; replaced by `{use.replacement}`, the Upsun CLI's installer in Upsun's docs"
    if renamed:
        return f"; renamed to {use.replacement}"
    return "; not renamed (its place is not certain, or UPS009 moves this command): rename it " \
           "by hand"


def commands(container: Container) -> Iterator[tuple[tuple[str, ...], Scalar, bool]]:
    """Every string command of the container, with its output path and whether it may be
    renamed in place."""
    for patterns, renamable in ((COMMAND_PATHS, True), (MOVED_PATHS, False)):
        for pattern in patterns:
            for path, node in _find(container.node, pattern, container.path):
                yield path, node, renamable


def _find(node: Node | None, pattern: tuple[str, ...],
          path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Scalar]]:
    if not pattern:
        if isinstance(node, Scalar) and text_value(node) is not None:
            yield path, node
        return
    if not isinstance(node, Mapping):
        return
    head, rest = pattern[0], pattern[1:]
    keys = node.keys() if head == "*" else [head] if head in node else []
    for key in keys:
        yield from _find(node.get(key), rest, (*path, key))


def _places(container: Container,
            command: Scalar) -> list[tuple[platformcli.Use, int | None]]:
    """Each use with the offset of its text in the legacy file, found by reading the value's
    source the way the value is read (a quote opening it counts as a space); when the source
    does not give the same uses in the same order, no place is exact (None)."""
    found = platformcli.uses(command.value)
    if not found:
        return []  # most commands
    raw = container.source.text[command.start:command.end]
    if command.style in ("'", '"'):
        raw = " " + raw[1:]
    in_source = platformcli.uses(raw)
    if [(u.kind, u.text) for u in in_source] != [(u.kind, u.text) for u in found]:
        return [(use, None) for use in found]
    starts = [0] + [i + 1 for i, char in enumerate(raw) if char == "\n"]
    return [(use, command.start + starts[at.line] + at.column)
            for use, at in zip(found, in_source, strict=True)]


def _rename(ctx: MigrationContext, container: Container, path: tuple[str, ...],
            command: Scalar, places: list[tuple[platformcli.Use, int | None]]) -> bool:
    """Rename the command words and variable names in place, when every place is exact; the
    value must then come out as the same replacements made in the parsed value (the run's
    proof checks it). True when something was renamed."""
    renames = [(use, offset) for use, offset in places if use.replacement is not None]
    if not renames or any(offset is None for _, offset in places):
        return False  # a place that cannot be told exactly is reported, never guessed at
    editor = ctx.editor(container.source)
    lines = command.value.split("\n")
    for use, offset in sorted(renames, key=lambda item: (item[0].line, item[0].column),
                              reverse=True):
        assert use.replacement is not None and offset is not None
        editor.replace_span(offset, offset + len(use.text), use.replacement)
        line = lines[use.line]
        lines[use.line] = line[:use.column] + use.replacement + line[use.column + len(use.text):]
    ctx.expect(path, "\n".join(lines))
    first = min(offset for _, offset in renames if offset is not None)
    ctx.change(CODE, Location(container.file, container.source.line(first)), path,
               ", ".join(sorted({use.text for use, _ in renames})),
               ", ".join(sorted({str(use.replacement) for use, _ in renames})))
    return True
