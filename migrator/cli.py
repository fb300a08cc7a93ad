"""Command line: parse options, call the core, render, set the exit code. Nothing else."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from migrator import __version__
from migrator.errors import MigratorError

F = TypeVar("F", bound=Callable[..., Any])
BUG_URL = "https://github.com/upsun-migrator/upsun-migrator/issues"


def error_boundary(function: F) -> F:
    """Known errors: one line, exit 1. Anything else is a bug: one line, exit 3 (--debug: traceback)."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(kwargs.get("debug"))
        try:
            return function(*args, **kwargs)
        except MigratorError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except (click.exceptions.Exit, click.ClickException, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # the reader of our output went away (`| head`)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except Exception as exc:  # noqa: BLE001 - the one place that catches everything
            if debug:
                traceback.print_exc()
            click.echo(f"internal error: {type(exc).__name__}: {exc}. This is a bug in "
                       f"upsun-migrator; please report it at {BUG_URL} "
                       "(run again with --debug for the traceback)", err=True)
            sys.exit(3)

    return wrapper  # type: ignore[return-value]


def use_color(stream: Any) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="upsun-migrator")
def main() -> None:
    """Migrate legacy Platform.sh configuration to Upsun."""


@main.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--dry-run", is_flag=True, help="Print a unified diff and the report; write nothing.")
@click.option("--force", is_flag=True, help="Allow replacing an existing .upsun/config.yaml.")
@click.option("--local-mounts", type=click.Choice(["storage", "instance"]), default="storage",
              show_default=True, help="What a legacy `local` mount becomes.")
@click.option("--remove-legacy", is_flag=True,
              help="After a successful write, delete the legacy files that were migrated.")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@error_boundary
def migrate(path: Path, dry_run: bool, force: bool, local_mounts: str, remove_legacy: bool,
            debug: bool) -> None:
    """Write PATH/.upsun/config.yaml from the legacy Platform.sh files of PATH."""
    from migrator import diff, report
    from migrator.discovery import has_legacy_files
    from migrator.model import LocalMounts, Settings
    from migrator.pipeline import migrate as run
    from migrator.writer import check_writable, write

    if not path.is_dir():
        raise MigratorError("is not a folder", str(path))
    if not has_legacy_files(path) and (path / ".upsun").is_dir():
        click.echo(f"{path}: already migrated (.upsun/ exists and no legacy files remain)",
                   err=True)
        return
    if not dry_run:
        check_writable(path, force)
    settings = Settings(local_mounts=LocalMounts(local_mounts), remove_legacy=remove_legacy)
    result = run(path, settings)
    if dry_run:
        click.echo(diff.unified(result.files), nl=False)
    else:
        write(result, force)
    built = report.build(result, written=not dry_run, removed_legacy=remove_legacy)
    click.echo(report.terminal(built, color=use_color(sys.stdout)), nl=False)
