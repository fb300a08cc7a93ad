"""UPS009: cron `cmd: X` and `commands: "X"` become `commands: {start: X}`; a spec that fires
more often than Upsun triggers crons is a warning on its line.

The command's own text is kept, with its anchor and tag: in block style it moves one level
down under `start:` (every line of it shifted by the file's indentation unit, so block scalars
keep their value); in flow style it is wrapped in `{start: ...}`. Upsun triggers crons at most
every 5 minutes (`facts.CRON_MINIMUM_MINUTES`); a spec whose minute field fires twice within
less than that in an hour (`* * * * *`, `*/2`, `0-4`, `0,3`) runs less often than it says.
"""

from __future__ import annotations

from migrator import facts
from migrator.legacy.model import LegacyApp
from migrator.rules.context import MISSING, MigrationContext, scalar_text
from migrator.rules.cronspec import minute_gap
from migrator.yamltext.edits import Copy, Edit, comments
from migrator.yamltext.nest import unit
from migrator.yamltext.nodes import Mapping, Node, Scalar, text_value, to_data

CODE = "UPS009"
TITLE = "crons"


def apply(ctx: MigrationContext) -> None:
    done: set[Node] = set()
    for app in ctx.apps:
        crons = app.mapping.get("crons")
        if not isinstance(crons, Mapping):
            continue
        for name, cron in crons.items():
            if not isinstance(cron, Mapping):
                continue
            path = ("applications", app.name, "crons", name)
            _check_frequency(ctx, app, name, cron)
            commands, cmd = cron.entry("commands"), cron.entry("cmd")
            if commands is not None and isinstance(commands[1], Scalar) \
                    and text_value(commands[1]) is not None:
                _wrap(ctx, app, cron, commands, None, path, done)
            elif cmd is not None and (commands is None or (isinstance(commands[1], Scalar)
                                                           and commands[1].is_null)):
                holder = cron.holder("commands")
                if holder is not None:
                    ctx.editor(app.source).remove(holder, "commands")
                _wrap(ctx, app, cron, cmd, "commands", path, done)


def _wrap(ctx: MigrationContext, app: LegacyApp, cron: Mapping, entry: tuple[Scalar, Node],
          rename: str | None, path: tuple[str, ...], done: set[Node]) -> None:
    key, value = entry
    command = to_data(value)
    ctx.expect((*path, "commands"), {"start": command})
    if rename:
        ctx.expect((*path, key.value), MISSING)
    if key in done:
        return
    done.add(key)
    editor = ctx.editor(app.source)
    doc = app.source.doc
    text = editor.text(value)
    holder = cron.holder(key.value)
    assert holder is not None
    moved = Copy(value.start, value.end, 0 if holder.flow else unit(doc))  # with its anchor
    if holder.flow:
        if rename:
            editor.replace_key(key, rename)
        editor.edits.append(Edit(value.start, value.end, ("{start: ", moved, "}")))
    else:
        gap = [c.text for c in comments(doc, key.end, value.start)]
        head = (rename or key.value) + ":" + "".join(f"  {c}" for c in gap[:1]) + "\n"
        head += " " * (doc.column(key.start) + unit(doc)) + "start: "
        editor.edits.append(Edit(key.start, value.start, head))
        editor.edits.append(Edit(value.start, value.end, (moved,)))
    shown = text if "\n" not in text else text.split("\n")[0] + " ..."
    ctx.change(CODE, ctx.location(app.source, key), (*path, "commands"),
               f"{key.value}: {shown}", f"commands: {{start: {shown}}}")


def _check_frequency(ctx: MigrationContext, app: LegacyApp, name: str, cron: Mapping) -> None:
    spec = scalar_text(cron.get("spec"))
    gap = minute_gap(spec) if spec is not None else None
    minimum = facts.CRON_MINIMUM_MINUTES.value
    if gap is None or gap >= minimum:
        return
    ctx.warn(CODE, ctx.key_location(app.source, cron, "spec"),
             f"{app.name}: cron {name!r} (spec {spec!r}) asks for runs {gap} minute(s) apart; "
             f"Upsun triggers crons at most every {minimum} minutes, so it will run less often "
             f"than its spec says (on Platform.sh the minimum was "
             f"{facts.PLATFORMSH_CRON_MINIMUM})")
