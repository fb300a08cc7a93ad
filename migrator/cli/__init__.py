"""The command line: a click group whose subcommands are loaded when they run.

Each command lives in its own module (`migrator.cli.migrate`, ...) and is imported only when it
is invoked, or asked for its help or its completions: the table below holds each name, its module
and its one-line help, so `upsun-migrator --help` imports no command module (click's documented
pattern, "Lazily loading subcommands").
"""

from __future__ import annotations

import importlib
import io
import sys
from collections.abc import Sequence
from typing import NamedTuple

import click
import click.shell_completion

from migrator import __version__

PROG = "upsun-migrator"


class Entry(NamedTuple):
    """A subcommand: the module that defines it (as `command`) and its one-line help."""

    module: str
    help: str


#: Every subcommand, in the order `--help` lists them.
COMMANDS: dict[str, Entry] = {
    "migrate": Entry("migrator.cli.migrate",
                     "Write PATH/.upsun/config.yaml from the legacy Platform.sh files of PATH."),
    "codemod": Entry("migrator.cli.codemod",
                     "Find (and rewrite) Python code that reads Platform.sh settings."),
    "bulk": Entry("migrator.cli.bulk",
                  "Migrate many repositories: each ROOT is one, or a folder of them."),
    "validate": Entry("migrator.cli.validate",
                      "Check PATH/.upsun/*.yaml against the Upsun configuration schema and image "
                      "registry."),
    "metadata": Entry("migrator.cli.metadata",
                      "Show where Upsun's schema, image registry and composable data come from, "
                      "and their age."),
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when that subcommand is needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        command = importlib.import_module(entry.module).command
        assert isinstance(command, click.Command), entry.module
        return command

    def resolve_command(self, ctx: click.Context, args: list[str]
                        ) -> tuple[str | None, click.Command | None, list[str]]:
        """As click's, with the suggestion ("Did you mean 'migrate'?") taken from the table."""
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as exc:
            raise click.exceptions.NoSuchCommand(exc.command_name, possibilities=COMMANDS,
                                                 ctx=ctx) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The listing from the table: listing the commands loads none of them."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, entry.help) for name, entry in COMMANDS.items()])

    def shell_complete(self, ctx: click.Context, incomplete: str
                       ) -> list[click.shell_completion.CompletionItem]:
        """The command names from the table (completing a name loads no command), then the
        group's own options."""
        found = [click.shell_completion.CompletionItem(name, help=entry.help)
                 for name, entry in COMMANDS.items() if name.startswith(incomplete)]
        return found + click.Command.shell_complete(self, ctx, incomplete)


EPILOG = f"""\
`{PROG} COMMAND --help` shows a command's options and examples.

Exit codes: 0 done (warnings allowed), 1 the input could not be migrated or a safety refusal,
2 usage error, 3 an internal error (a bug: please report it), 130 interrupted.
"""


@click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names":
                                                               ["-h", "--help"]})
@click.version_option(__version__, prog_name=PROG, message="%(prog)s %(version)s")
def group() -> None:
    """Migrate legacy Platform.sh configuration to Upsun."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line (the arguments of the process when argv is None) and return its
    exit code: what the console script and `python -m migrator` exit with, and what tests call
    in-process. Usage errors, `--help` and `--version` are click's; a command's own failures
    are turned into exit codes by its error boundary (`migrator.cli.boundary`)."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:  # started with it closed (`>&-`): print to nowhere
            setattr(sys, name, io.StringIO())
    try:
        group.main(args=None if argv is None else list(argv), prog_name=PROG)
    except SystemExit as stop:  # click ends every run this way in its standalone mode
        return stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 1
    raise AssertionError("click's standalone mode always ends with SystemExit")
