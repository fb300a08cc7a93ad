"""The click command class every subcommand uses: its run inside the one error boundary, and
its `--help` with the options in sections and the examples kept as written."""

from __future__ import annotations

from typing import Any

import click

from migrator.cli.boundary import boundary
from migrator.cli.options import OTHER, SectionOption


class Command(click.Command):
    def invoke(self, ctx: click.Context) -> Any:
        with boundary(debug=bool(ctx.params.get("debug"))):
            return super().invoke(ctx)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """One section per kind of option, in the order their first option is declared; the
        others (--debug, --help) last."""
        sections: dict[str, list[tuple[str, str]]] = {}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx) if isinstance(param, click.Option) else None
            if record is not None:
                section = param.section if isinstance(param, SectionOption) else OTHER
                sections.setdefault(section, []).append(record)
        sections[OTHER] = sections.pop(OTHER, [])
        for title, records in sections.items():
            with formatter.section(f"{title} options"):
                formatter.write_dl(records)
