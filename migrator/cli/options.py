"""The options commands share, as decorators, and the value types that check them.

A wrong value is click's usage error naming the option (exit 2). Each option belongs to a
section of its command's `--help` (`migrator.cli.command`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from migrator.rules.codes import unknown

F = TypeVar("F", bound=Callable[..., Any])

MIGRATION = "Migration"
METADATA = "Upsun metadata"
OUTPUT = "Output"
GIT = "Git (--commit)"
SELECTION = "Selection"
OTHER = "Other"


class SectionOption(click.Option):
    """An option that names the section of `--help` it is listed in."""

    def __init__(self, *args: Any, section: str = OTHER, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section = section


def option(*decls: str, section: str, **attrs: Any) -> Callable[[F], F]:
    return click.option(*decls, cls=SectionOption, section=section, **attrs)


def flag(*decls: str, section: str, help: str) -> Callable[[F], F]:
    return option(*decls, section=section, is_flag=True, help=help)


def compose(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """Several decorators as one, listed in `--help` in the order given."""
    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function
    return apply


# -- value types ----------------------------------------------------------------------------

def folder(*, exists: bool = False) -> click.Path:
    """A folder (never a file); with exists, one that exists."""
    return click.Path(exists=exists, file_okay=False, readable=False, path_type=Path)


def file(*, exists: bool = False) -> click.Path:
    """A file (never a folder); with exists, one that exists."""
    return click.Path(exists=exists, dir_okay=False, readable=False, path_type=Path)


class Shard(click.ParamType[tuple[int, int]]):
    """`K/N`: the K-th of N slices, as the pair (K, N)."""

    name = "K/N"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> tuple[int, int]:
        if isinstance(value, tuple):
            return value
        try:
            index, count = (int(part) for part in str(value).split("/"))
        except ValueError:
            self.fail("expected K/N, for example 2/8", param, ctx)
        if not 1 <= index <= count:
            self.fail("K must be between 1 and N", param, ctx)
        return index, count


class Codes(click.ParamType[tuple[str, ...]]):
    """Codes or prefixes, comma-separated (`UPS003,UPS2`), upper-cased; one that starts no
    code (of this source, if given: the codemod's own) is refused."""

    name = "CODES"

    def __init__(self, source: str | None = None) -> None:
        self.source = source

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> tuple[str, ...]:
        if isinstance(value, tuple):
            return value
        codes = tuple(c.strip().upper() for c in str(value).split(",") if c.strip())
        wrong = unknown(codes, self.source)
        if wrong:
            self.fail(f"no {self.source + ' ' if self.source else ''}code starts with "
                      f"{', '.join(wrong)}", param, ctx)
        return codes


class EnvironmentName(click.ParamType[str]):
    """An environment name: printable, without spaces (it is quoted in the command anyway)."""

    name = "NAME"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        text = str(value)
        if not text or not text.isprintable() or any(c.isspace() for c in text):
            self.fail(f"{text!r} is not an environment name", param, ctx)
        return text


def _flatten(_ctx: click.Context, _param: click.Parameter,
             value: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """`--select UPS003,UPS2 --select UPS9` -> ("UPS003", "UPS2", "UPS9")."""
    return tuple(code for codes in value for code in codes)


# -- the shared options ---------------------------------------------------------------------

def repository_argument(*, exists: bool = False) -> Callable[[F], F]:
    """PATH, the repository: a folder, the current one by default."""
    return click.argument("path", type=folder(exists=exists), default=".", metavar="[PATH]")


debug_option = flag("--debug", section=OTHER, help="Show tracebacks of internal errors.")


def metadata_options(verb: str) -> Callable[[F], F]:
    return compose(
        option("--schema", "schema_file", type=file(), metavar="FILE", section=METADATA,
               help=f"Upsun config schema to {verb} with (default: cached copy, download, else "
                    "the embedded snapshot)."),
        option("--registry", "registry_file", type=file(), metavar="FILE", section=METADATA,
               help="Upsun image registry (default: cached copy, download, else the embedded "
                    "snapshot)."))


def migration_options() -> Callable[[F], F]:
    """The options `migrate` and `bulk` share."""
    return compose(
        flag("--dry-run", section=MIGRATION,
             help="Print a unified diff and the report; write nothing. Exits as the real run "
                  "would (1 if it would refuse)."),
        flag("--force", section=MIGRATION, help="Allow replacing an existing .upsun/config.yaml."),
        option("--local-mounts", type=click.Choice(["storage", "instance"]), default="storage",
               section=MIGRATION,
               help="What a legacy `local` mount becomes (default: storage)."),
        flag("--remove-legacy", section=MIGRATION,
             help="After a successful write, delete the legacy files that were migrated."),
        flag("--upgrade-retired", section=MIGRATION,
             help="Rewrite retired, decommissioned and unlisted versions to the nearest "
                  "supported one above (retired ones still deploy, without security updates)."),
        flag("--strict", section=MIGRATION,
             help="Exit 1, writing nothing, on error-level findings (such as a decommissioned "
                  "version); warnings do not fail."),
        flag("--rename-platform-cli", section=MIGRATION,
             help="In hooks, commands and source operations, rename the command word `platform` "
                  "to `upsun` and PLATFORMSH_CLI_TOKEN to UPSUN_CLI_TOKEN (UPS012 reports them "
                  "either way)."),
        option("--environment", type=EnvironmentName(), section=MIGRATION,
               help="The production environment the `upsun resources:set` command is for "
                    "(`-e NAME`; default: a placeholder to fill in)."),
        metadata_options("validate"),
    )


def commit_options() -> Callable[[F], F]:
    return compose(
        flag("--commit", section=GIT,
             help="In a git work tree: commit exactly the files the migration created, "
                  "changed or removed, on --branch (created or checked out); changes to what "
                  "it reads or writes refuse it, other uncommitted changes stay as they are. "
                  "Never pushes. The commit runs the hooks `git commit` runs (pre-commit, "
                  "prepare-commit-msg, "
                  "commit-msg, post-commit, reference-transaction, post-index-change) and signs "
                  "if the git configuration asks; no other git command runs a hook. On a "
                  "failure the repository is left as it was."),
        option("--branch", metavar="NAME", section=GIT,
               help="With --commit: the branch to commit on (default: upsun-migration)."),
        flag("--no-verify", section=GIT,
             help="With --commit: run no hook at all and do not sign (for a repository you do "
                  "not trust: its hooks run with your rights)."),
        flag("--git-filters", section=GIT,
             help="With --commit: let git run the clean and smudge filters the repository's "
                  ".gitattributes name (git-lfs, git-crypt); without it a file git would filter "
                  "is refused before anything is written."),
        option("--commit-message", "message_file", type=file(exists=True), metavar="FILE",
               section=GIT,
               help="With --commit: the commit message, from a template naming $subject, "
                    "$summary, $files, $findings, $resources, $body or $version (`$$` is a "
                    "`$`), such as `PROJ-123 $subject` on its first line."),
    )


output_format_option = option(
    "--output-format", type=click.Choice(["text", "json", "github"]), default="text",
    section=OUTPUT,
    help="text for people (default); json for programs; github for GitHub Actions annotations "
         "(::error file=...,line=...::message lines).")


color_option = option(
    "--color", type=click.Choice(["auto", "always", "never"]), default="auto", section=OUTPUT,
    help="Colour the report and the diff: auto (default) on a terminal, unless NO_COLOR is set; "
         "FORCE_COLOR set colours also into a pipe or a CI log; TERM=dumb does not colour.")


def selection_options(select: str, ignore: str, source: str | None = None) -> Callable[[F], F]:
    """--select and --ignore: codes or prefixes, comma-separated, each option repeatable."""
    return compose(
        option("--select", type=Codes(source), multiple=True, callback=_flatten,
               section=SELECTION, help=select),
        option("--ignore", type=Codes(source), multiple=True, callback=_flatten,
               section=SELECTION, help=ignore))


# -- options that do not go together ---------------------------------------------------------

def commit_branch(commit: bool, branch: str | None, dry_run: bool, no_verify: bool = False,
                  git_filters: bool = False, message_file: Path | None = None) -> str | None:
    """The branch `--commit` commits on, or None; usage errors for what does not fit."""
    if not commit:
        given = [name for name, on in (("--branch", branch is not None),
                                       ("--no-verify", no_verify),
                                       ("--git-filters", git_filters),
                                       ("--commit-message", message_file is not None)) if on]
        if given:
            raise click.UsageError(f"{given[0]} needs --commit")
        return None
    from migrator.fleet.gitcommit import DEFAULT_BRANCH, valid_branch  # git: only with --commit

    if dry_run:
        raise click.UsageError("--commit writes and commits; it cannot go with --dry-run")
    name = branch or DEFAULT_BRANCH
    if not valid_branch(name):
        raise click.BadParameter(f"{name!r} is not a valid git branch name",
                                 param_hint="'--branch'")
    return name


def commit_template(message_file: Path | None) -> str | None:
    """The text of a `--commit-message` template, checked (`gitcommit.template_problem`)."""
    if message_file is None:
        return None
    from migrator.fleet.gitcommit import template_problem

    hint = "'--commit-message'"
    try:
        text = message_file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.BadParameter(f"{message_file}: not UTF-8 text ({exc.reason} at byte "
                                 f"{exc.start})", param_hint=hint) from None
    except OSError as exc:
        raise click.BadParameter(f"{message_file}: cannot read: {exc.strerror or exc}",
                                 param_hint=hint) from None
    problem = template_problem(text)
    if problem is not None:
        raise click.BadParameter(f"{message_file}: {problem}", param_hint=hint)
    if not text.strip():
        raise click.BadParameter(f"{message_file}: empty (git refuses an empty message)",
                                 param_hint=hint)
    return text
