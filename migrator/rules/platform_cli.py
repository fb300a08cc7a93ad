"""UPS012: shell commands in the configuration that use the Platform.sh CLI.

Hooks, crons, worker and web commands and source operations often call `platform`, download its
installer, or read `PLATFORMSH_CLI_TOKEN`. On Upsun the CLI is `upsun` and its token
`UPSUN_CLI_TOKEN`. Each use is reported with its line; shell text is never rewritten silently:
only with `--rename-platform-cli`, and then only the exact command word `platform` and the
variable name (a path to the binary or an installer download are reported, not rewritten).
"""

from __future__ import annotations

from collections.abc import Iterator

from migrator import platformcli
from migrator.context import Container, MigrationContext, yaml_path
from migrator.model import Location
from migrator.yamltext.nodes import Mapping, Node, Scalar, text_value

CODE = "UPS012"
TITLE = "platform-cli"

#: Where a container's shell commands live, as paths of mapping keys (`*`: every key).
COMMAND_PATHS = (("hooks", "*"), ("crons", "*", "commands", "*"), ("web", "commands", "*"),
                 ("commands", "*"), ("source", "operations", "*", "command"))
#: Commands UPS009 moves under `commands.start`: reported, never renamed (one edit per value).
MOVED_PATHS = (("crons", "*", "cmd"), ("crons", "*", "commands"))


def apply(ctx: MigrationContext) -> None:
    done: set[Node] = set()  # a command shared through an alias or a merge is read once
    for container in ctx.containers():
        for path, command, renamable in commands(container):
            if command in done:
                continue
            done.add(command)
            places = _places(container, command)
            renamed = renamable and ctx.settings.rename_platform_cli and \
                _rename(ctx, container, path, command, places)
            for use, offset in places:
                line = container.source.line(command.start if offset is None else offset)
                note = _note(use, renamed, ctx.settings.rename_platform_cli)
                ctx.warn(CODE, Location(container.file, line),
                         use.message(yaml_path(*path)) + note)


def _note(use: platformcli.Use, renamed: bool, asked: bool) -> str:
    if use.replacement is None or not asked:
        return ""
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
