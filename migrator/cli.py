"""Command line: parse options, call the core, render, set the exit code. Nothing else."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from migrator import __version__
from migrator.errors import MigratorError

if TYPE_CHECKING:  # the heavy modules are imported by the commands that use them
    from migrator.pipeline import Metadata
    from migrator.runner import Options, Outcome

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
                import traceback

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


def _write_output(target: str, text: str, executable: bool = False) -> None:
    """A report file the user asked for (`-` is stdout)."""
    if target == "-":
        click.echo(text, nl=False)
        return
    path = Path(target)
    try:
        path.write_text(text, encoding="utf-8")
        if executable:
            path.chmod(0o755)
    except OSError as exc:
        raise MigratorError(f"cannot write: {exc.strerror or exc}", target) from None


def migration_options(function: F) -> F:
    """The options `migrate` and `bulk` share."""
    options = [
        click.option("--dry-run", is_flag=True,
                     help="Print a unified diff and the report; write nothing."),
        click.option("--force", is_flag=True, help="Allow replacing an existing .upsun/config.yaml."),
        click.option("--local-mounts", type=click.Choice(["storage", "instance"]),
                     default="storage", show_default=True,
                     help="What a legacy `local` mount becomes."),
        click.option("--remove-legacy", is_flag=True,
                     help="After a successful write, delete the legacy files that were migrated."),
        click.option("--schema", "schema_file", type=click.Path(dir_okay=False, path_type=Path),
                     help="Upsun config schema to validate with (default: cached copy or "
                          "download)."),
        click.option("--registry", "registry_file",
                     type=click.Path(dir_okay=False, path_type=Path),
                     help="Upsun image registry (default: cached copy or download)."),
        click.option("--upgrade-retired", is_flag=True,
                     help="Rewrite versions Upsun no longer runs to the nearest supported one "
                          "above."),
        click.option("--strict", is_flag=True,
                     help="Exit 1, writing nothing, on error-level findings."),
        click.option("--debug", is_flag=True, help="Show tracebacks of internal errors."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def make_options(dry_run: bool, force: bool, local_mounts: str, remove_legacy: bool,
                 upgrade_retired: bool, strict: bool) -> Options:
    from migrator.model import LocalMounts, Settings
    from migrator.runner import Options

    settings = Settings(local_mounts=LocalMounts(local_mounts), remove_legacy=remove_legacy,
                        upgrade_retired=upgrade_retired)
    return Options(dry_run=dry_run, force=force, strict=strict, settings=settings)


def _codes(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
           ) -> tuple[str, ...]:
    """`--select UPS003,UPS2 --select UPS9` -> ("UPS003", "UPS2", "UPS9"); unknown ones: usage."""
    from migrator.codes import unknown

    codes = tuple(c.strip().upper() for v in values for c in v.split(",") if c.strip())
    wrong = unknown(codes)
    if wrong:
        raise click.BadParameter(f"no code starts with {', '.join(wrong)}")
    return codes


@main.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@migration_options
@click.option("--report", "report_file", metavar="FILE", help="Also write the report as Markdown.")
@click.option("--json", "json_file", metavar="FILE",
              help="Also write the report as JSON (`-`: stdout, the text report then goes to stderr).")
@click.option("--resources-script", metavar="FILE",
              help="Write the `upsun resources:set` command as an executable shell script.")
@click.option("--code", "with_code", is_flag=True,
              help="Also check the Python code (the codemod, in check mode) and report it.")
@click.option("--select", metavar="CODES", multiple=True, callback=_codes,
              help="Only these rules and checks (codes or prefixes, comma-separated: UPS003,UPS2).")
@click.option("--ignore", metavar="CODES", multiple=True, callback=_codes,
              help="Skip these rules and checks (codes or prefixes, comma-separated).")
@error_boundary
def migrate(path: Path, dry_run: bool, force: bool, local_mounts: str, remove_legacy: bool,
            schema_file: Path | None, registry_file: Path | None, upgrade_retired: bool,
            strict: bool, debug: bool, report_file: str | None, json_file: str | None,
            resources_script: str | None, with_code: bool, select: tuple[str, ...],
            ignore: tuple[str, ...]) -> None:
    """Write PATH/.upsun/config.yaml from the legacy Platform.sh files of PATH."""
    import dataclasses

    from migrator import render, report, runner

    options = make_options(dry_run, force, local_mounts, remove_legacy, upgrade_retired, strict)
    options = dataclasses.replace(options, settings=dataclasses.replace(
        options.settings, select=select, ignore=ignore))
    done = runner.run(path, options, load_metadata(schema_file, registry_file))
    if done.report is None:
        click.echo(f"{path}: {done.message}", err=True)
        return
    if with_code:
        from migrator import codemod

        checked = codemod.run(path, codemod.CodeOptions(), codemod.relationship_names(path))
        done = dataclasses.replace(done, report=dataclasses.replace(
            done.report, code=checked.findings))
    assert done.report is not None
    text_to_stderr = json_file == "-"
    if dry_run and done.result is not None:
        from migrator import diff

        click.echo(diff.unified(done.result.files), nl=False, err=text_to_stderr)
    stream = sys.stderr if text_to_stderr else sys.stdout
    click.echo(render.terminal(done.report, color=use_color(stream)), nl=False,
               err=text_to_stderr)
    if report_file:
        _write_output(report_file, render.markdown(done.report))
    if json_file:
        _write_output(json_file, report.to_json(done.report))
    if resources_script:
        _write_output(resources_script, render.resources_script(done.report), executable=True)
    if done.status is runner.Status.FAILED:
        raise MigratorError(done.message, str(path))


@main.command()
@click.argument("path", type=click.Path(file_okay=False, exists=True, path_type=Path),
                default=".")
@click.option("--check", "mode", flag_value="check", default=True,
              help="Report only (default); exit 1 if a finding would change code.")
@click.option("--diff", "mode", flag_value="diff", help="Print a unified diff; write nothing.")
@click.option("--write", "mode", flag_value="write", help="Rewrite the files.")
@click.option("--service-env-vars", is_flag=True,
              help="Rewrite credentials reads to Upsun's service environment variables.")
@click.option("--fix-production-check", is_flag=True,
              help="Rewrite on_production() to test PLATFORM_ENVIRONMENT_TYPE.")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@error_boundary
def codemod(path: Path, mode: str, service_env_vars: bool, fix_production_check: bool,
            debug: bool) -> None:
    """Find (and rewrite) Python code that reads Platform.sh settings."""
    from migrator import codemod as code
    from migrator.diff import unified
    from migrator.model import FileAction, PlannedFile

    options = code.CodeOptions(service_env_vars, fix_production_check)
    done = code.run(path, options, code.relationship_names(path))
    if mode == "diff":
        click.echo(unified([PlannedFile(c.path, FileAction.MODIFY, c.old.encode(),
                                        c.new.encode()) for c in done.changes]), nl=False)
    else:
        for finding in done.findings:
            click.echo(str(finding))
    if mode == "write":
        code.write(path, done.changes)
    rewritten = sum(f.rewritten for f in done.findings)
    verb = "rewritten" if mode == "write" else "would be rewritten"
    click.echo(f"{len(done.findings)} finding(s), {rewritten} {verb}, in {len(done.changes)} "
               "file(s)", err=True)
    if mode != "write" and done.would_change:
        sys.exit(1)


def _shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        index, count = (int(part) for part in value.split("/"))
    except ValueError:
        raise click.BadParameter("expected K/N, for example 2/8") from None
    if not 1 <= index <= count:
        raise click.BadParameter("K must be between 1 and N")
    return index, count


@main.command()
@click.argument("roots", nargs=-1, type=click.Path(path_type=Path))
@click.option("--from-file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="A file listing repositories, one per line.")
@migration_options
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: CPUs).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds one repository may take.")
@click.option("--shard", "shard_spec", metavar="K/N", help="Only the K-th of N slices.")
@click.option("--summary", "summary_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Summary per repository: JSON lines (.jsonl) or CSV (.csv).")
@click.option("--summary-md", type=click.Path(dir_okay=False, path_type=Path),
              help="Summary per repository as a Markdown table.")
@error_boundary
def bulk(roots: tuple[Path, ...], from_file: Path | None, dry_run: bool, force: bool,
         local_mounts: str, remove_legacy: bool, schema_file: Path | None,
         registry_file: Path | None, upgrade_retired: bool, strict: bool, debug: bool,
         jobs: int | None, timeout: float, shard_spec: str | None, summary_file: Path | None,
         summary_md: Path | None) -> None:
    """Migrate many repositories: each ROOT is one, or a folder of them."""
    import time

    from migrator import bulk as fleet
    from migrator import summary
    from migrator.runner import FAILURES

    if not roots and from_file is None:
        raise click.UsageError("give at least one ROOT or --from-file")
    if summary_file is not None and summary_file.suffix not in (".jsonl", ".json", ".csv"):
        raise click.BadParameter("use a .jsonl or .csv file", param_hint="--summary")
    repos = fleet.find_repositories(roots, from_file)
    sliced = _shard(shard_spec)
    if sliced:
        repos = fleet.shard(repos, *sliced)
    options = make_options(dry_run, force, local_mounts, remove_legacy, upgrade_retired, strict)
    pool = fleet.Pool(jobs or fleet.default_jobs(), options,
                      load_metadata(schema_file, registry_file), timeout)
    outcomes: list[Outcome] = []
    progress = summary.Progress(len(repos), sys.stdout,
                                sys.stderr if sys.stderr.isatty() else None)

    def collect(item: Outcome) -> None:
        outcomes.append(item)
        progress(item)

    start = time.monotonic()
    try:
        left = pool.run(repos, collect)
    except KeyboardInterrupt:
        pool.stop()
        click.echo("\ninterrupted: finishing the repositories in progress", err=True)
        left = pool.run([], collect) + [r for r in repos
                                         if r not in {o.repo for o in outcomes}]
    progress.finish()
    if summary_file:
        _write_output(str(summary_file), summary.machine_summary(outcomes, summary_file))
    if summary_md:
        _write_output(str(summary_md), summary.markdown_summary(outcomes))
    click.echo(summary.totals(outcomes, time.monotonic() - start), err=True)
    if left:
        click.echo(f"not processed: {len(left)} repositories", err=True)
        sys.exit(130)
    if any(o.status in FAILURES for o in outcomes):
        sys.exit(1)


@main.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--schema", "schema_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Upsun config schema (default: cached copy or download).")
@click.option("--registry", "registry_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Upsun image registry, for the versions (default: cached copy or download).")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@error_boundary
def validate(path: Path, schema_file: Path | None, registry_file: Path | None,
             debug: bool) -> None:
    """Check PATH/.upsun/*.yaml against the Upsun configuration schema."""
    from migrator.validate import ANY_STRING, Schema, load_upsun_folder, validate_folder

    metadata = load_metadata(schema_file, registry_file)
    if metadata.schema is None:
        load_upsun_folder(path)  # the files must at least be readable YAML
        sys.exit(_official_validate(path, metadata.schema_origin))
    runtimes, services = metadata.registry.version_schemas() if metadata.registry \
        else (ANY_STRING, ANY_STRING)
    errors = validate_folder(path, Schema(metadata.schema, runtimes, services))
    for error in errors:
        click.echo(str(error))
    checked = metadata.schema_origin + ("; versions from the " + metadata.registry_origin
                                        if metadata.registry else "; versions not checked")
    if errors:
        click.echo(f"{path}/.upsun: {len(errors)} error(s) ({checked})", err=True)
        sys.exit(1)
    click.echo(f"{path}/.upsun: valid ({checked})", err=True)


def _official_validate(path: Path, why: str) -> int:
    """No schema to be had: fall back to the official CLI when it is installed."""
    import shutil
    import subprocess

    upsun = shutil.which("upsun")
    if upsun is None:
        raise MigratorError(f"cannot validate: {why}, and the upsun CLI is not on PATH",
                            str(path))
    click.echo(f"{why}: running `upsun app:config-validate` instead", err=True)
    return subprocess.run([upsun, "app:config-validate", "--no-interaction"], cwd=path,
                          check=False).returncode


def load_metadata(schema_file: Path | None, registry_file: Path | None) -> Metadata:
    """The schema and registry from files, the cache or a download; what is missing is said."""
    from migrator.pipeline import Metadata
    from migrator.published import load_registry_data, load_schema
    from migrator.registry import Registry

    try:
        schema, schema_origin = load_schema(schema_file)
        raw, registry_origin = load_registry_data(registry_file)
    except OSError as exc:
        raise MigratorError(f"cannot read: {exc.strerror or exc}", exc.filename) from None
    try:
        registry = Registry.from_bytes(raw) if raw is not None else None
    except (UnicodeDecodeError, ValueError):
        registry, registry_origin = None, "no image registry: the copy is not JSON"
    return Metadata(schema, schema_origin, registry, registry_origin)
