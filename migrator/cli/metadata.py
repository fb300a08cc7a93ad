"""`upsun-migrator metadata`: where Upsun's published metadata comes from, and its age."""

from __future__ import annotations

import click

from migrator.cli import options as opt
from migrator.cli.command import Command
from migrator.cli.printing import echo
from migrator.errors import MigratorError
from migrator.upsun import published

EPILOG = """\
Examples:

\b
  upsun-migrator metadata
  upsun-migrator metadata --refresh
"""


@click.command(cls=Command, epilog=EPILOG)
@opt.flag("--refresh", section=opt.METADATA,
          help="Download everything now, whatever the age of the cached copies.")
@opt.debug_option
def command(refresh: bool, debug: bool) -> None:
    """Show where Upsun's schema, image registry and composable data come from, and their age."""
    failed = []
    for resource in published.RESOURCES:
        found = published.get(resource, None, refresh)
        echo(found.describe(resource))
        if refresh and not found.downloaded:
            failed.append(resource.label)
    echo(f"cache folder: {published.cache_dir()}")
    echo(f"embedded: {published.embedded_snapshot().describe().removeprefix('the ')}")
    if failed:
        raise MigratorError(f"could not refresh: {', '.join(failed)}", published.meta_url())
