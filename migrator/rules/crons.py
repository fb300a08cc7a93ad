"""UPS009: cron `cmd: X` and `commands: "X"` become `commands: {start: X}`."""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from migrator import yamlio
from migrator.comments import replace_value
from migrator.context import MigrationContext

CODE = "UPS009"
TITLE = "crons"


def apply(ctx: MigrationContext) -> None:
    for app in ctx.apps:
        crons = app.node.get("crons")
        if not isinstance(crons, CommentedMap):
            continue
        for name in crons:
            cron = crons[name]
            if not isinstance(cron, CommentedMap):
                continue
            path = ("applications", app.name, "crons", name, "commands")
            commands = cron.get("commands")
            if isinstance(commands, str):
                replace_value(cron, "commands", CommentedMap(start=commands))
                ctx.change(CODE, ctx.location(app.file, cron, "commands"), path,
                           "commands: <string>", "commands: {start: <string>}")
            elif "cmd" in cron and commands is None:
                position = yamlio.own_keys(cron).index("cmd")
                comments = cron.ca.items.pop("cmd", None)
                command = cron.pop("cmd")
                cron.insert(position, "commands", command)
                if comments is not None:
                    cron.ca.items["commands"] = comments
                replace_value(cron, "commands", CommentedMap(start=command))
                ctx.change(CODE, ctx.location(app.file, cron), path, "cmd: <command>",
                           "commands: {start: <command>}")
