"""The one error boundary every command runs in (as pre-commit's `error_handler`).

A known failure (`MigratorError`) is one line on stderr and exit 1; Ctrl-C is `interrupted` and
exit 130; a closed pipe (`| head`) ends the run quietly with exit 1; anything else is a bug: one
line asking for a report and exit 3, with the traceback when `--debug` was given. Click's own
exceptions (usage errors, `ctx.exit`) go through untouched: they are click's to show.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Iterator

import click

from migrator.cli.printing import echo
from migrator.errors import MigratorError
from migrator.escape import terminal

BUG = ("This is a bug in upsun-migrator: please report it with the output of the same command "
       "run again with --debug")


@contextlib.contextmanager
def boundary(debug: bool) -> Iterator[None]:
    """Turn what the block raises into the command's exit code (`click.exceptions.Exit`)."""
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except MigratorError as exc:
        echo(f"error: {exc}", err=True)
        raise click.exceptions.Exit(1) from None
    except BrokenPipeError:  # the reader of our output went away (`| head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise click.exceptions.Exit(1) from None
    except KeyboardInterrupt:
        echo("interrupted", err=True)
        raise click.exceptions.Exit(130) from None
    except Exception as exc:  # noqa: BLE001 - the one place that catches everything
        if debug:
            traceback.print_exc()
        echo(f"internal error: {type(exc).__name__}: {terminal(str(exc))}. {BUG}", err=True)
        raise click.exceptions.Exit(3) from None
