"""Command line: parse options, call the core, render, set the exit code. Nothing else."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from migrator import __version__
from migrator.errors import MigratorError

if TYPE_CHECKING:  # the heavy modules are imported by the commands that use them
    from migrator.codemod.findings import CodeFinding
    from migrator.model import MigrationResult
    from migrator.outputs import Output
    from migrator.pipeline import Metadata
    from migrator.report import Report
    from migrator.runner import Options, Outcome, Run
    from migrator.validate import SchemaError

F = TypeVar("F", bound=Callable[..., Any])


def error_boundary(function: F) -> F:
    """Known errors: one line, exit 1. Anything else is a bug: one line, exit 3 (traceback with
    --debug)."""

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
                       "upsun-migrator: please report it with the output of the same command "
                       "run again with --debug", err=True)
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
                     help="Print a unified diff and the report; write nothing. Exits as the "
                          "real run would (1 if it would refuse)."),
        click.option("--force", is_flag=True,
                     help="Allow replacing an existing .upsun/config.yaml."),
        click.option("--local-mounts", type=click.Choice(["storage", "instance"]),
                     default="storage", show_default=True,
                     help="What a legacy `local` mount becomes."),
        click.option("--remove-legacy", is_flag=True,
                     help="After a successful write, delete the legacy files that were migrated."),
        click.option("--schema", "schema_file", type=click.Path(dir_okay=False, path_type=Path),
                     help="Upsun config schema to validate with (default: cached copy, download, "
                          "else the embedded snapshot)."),
        click.option("--registry", "registry_file",
                     type=click.Path(dir_okay=False, path_type=Path),
                     help="Upsun image registry (default: cached copy, download, else the "
                          "embedded snapshot)."),
        click.option("--upgrade-retired", is_flag=True,
                     help="Rewrite versions Upsun no longer runs to the nearest supported one "
                          "above."),
        click.option("--strict", is_flag=True,
                     help="Exit 1, writing nothing, on error-level findings."),
        click.option("--rename-platform-cli", is_flag=True,
                     help="In hooks, commands and source operations, rename the command word "
                          "`platform` to `upsun` and PLATFORMSH_CLI_TOKEN to UPSUN_CLI_TOKEN "
                          "(UPS012 reports them either way)."),
        click.option("--debug", is_flag=True, help="Show tracebacks of internal errors."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def output_format_option(function: F) -> F:
    return click.option(
        "--output-format", type=click.Choice(["text", "json", "github"]), default="text",
        show_default=True,
        help="text for people; json for programs; github for GitHub Actions annotations "
             "(::error file=...,line=...::message lines).")(function)


@contextmanager
def annotated_errors(path: Path, output_format: str) -> Iterator[None]:
    """A known failure is also machine output on stdout: with --output-format github an error
    annotation, with json one document `{"version", "path", "error": {file, line, column,
    message}}`, so that stdout always holds what the format promises."""
    try:
        yield
    except MigratorError as exc:
        if output_format == "github":
            from migrator import annotations

            click.echo(annotations.error(path, exc))
        elif output_format == "json":
            import json

            error = {"file": exc.file, "line": exc.line, "column": exc.column,
                     "message": exc.message}
            click.echo(json.dumps({"version": 1, "path": str(path), "error": error}, indent=2,
                                  ensure_ascii=False))
        raise


def commit_options(function: F) -> F:
    """--commit and --branch, for `migrate` and `bulk`."""
    function = click.option(
        "--branch", metavar="NAME",
        help="With --commit: the branch to commit on (default: upsun-migration).")(function)
    return click.option(
        "--commit", is_flag=True,
        help="In a clean git work tree: commit exactly the files the migration created, changed "
             "or removed, on --branch (created or checked out). Never pushes.")(function)


def commit_branch(commit: bool, branch: str | None, dry_run: bool) -> str | None:
    """The branch `--commit` commits on, or None; usage errors for what does not fit."""
    from migrator.gitcommit import DEFAULT_BRANCH, valid_branch

    if not commit:
        if branch is not None:
            raise click.UsageError("--branch needs --commit")
        return None
    if dry_run:
        raise click.UsageError("--commit writes and commits; it cannot go with --dry-run")
    name = branch or DEFAULT_BRANCH
    if not valid_branch(name):
        raise click.BadParameter(f"{name!r} is not a valid git branch name",
                                 param_hint="--branch")
    return name


def make_options(dry_run: bool, force: bool, local_mounts: str, remove_legacy: bool,
                 upgrade_retired: bool, strict: bool, commit: str | None = None,
                 rename_platform_cli: bool = False) -> Options:
    from migrator.model import LocalMounts, Settings
    from migrator.runner import Options

    settings = Settings(local_mounts=LocalMounts(local_mounts), remove_legacy=remove_legacy,
                        upgrade_retired=upgrade_retired,
                        rename_platform_cli=rename_platform_cli)
    return Options(dry_run=dry_run, force=force, strict=strict, settings=settings,
                   commit=commit)


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
              help="Also write the report as JSON (`-`: stdout, the text report then goes to "
                   "stderr).")
@click.option("--resources-script", metavar="FILE",
              help="Write the `upsun resources:set` command as an executable shell script.")
@click.option("--code", "with_code", is_flag=True,
              help="Also check the Python code (the codemod, in check mode) and report it.")
@click.option("--check", is_flag=True,
              help="Write nothing; list the files migrating would create, change or remove; "
                   "exit 1 if there is any, 0 if there is nothing to do.")
@click.option("--diff", "show_diff", is_flag=True,
              help="With --check (implied): also print the unified diff.")
@commit_options
@output_format_option
@click.option("--select", metavar="CODES", multiple=True, callback=_codes,
              help="Only these rules and checks (codes or prefixes, comma-separated: UPS003,UPS2).")
@click.option("--ignore", metavar="CODES", multiple=True, callback=_codes,
              help="Skip these rules and checks (codes or prefixes, comma-separated).")
@error_boundary
def migrate(path: Path, dry_run: bool, force: bool, local_mounts: str, remove_legacy: bool,
            schema_file: Path | None, registry_file: Path | None, upgrade_retired: bool,
            strict: bool, rename_platform_cli: bool, debug: bool, report_file: str | None,
            json_file: str | None, resources_script: str | None, with_code: bool, check: bool,
            show_diff: bool, commit: bool, branch: str | None, output_format: str,
            select: tuple[str, ...], ignore: tuple[str, ...]) -> None:
    """Write PATH/.upsun/config.yaml from the legacy Platform.sh files of PATH."""
    import dataclasses

    from migrator import outputs, render, runner

    if commit and (check or show_diff):
        raise click.UsageError("--commit cannot go with --check or --diff")
    options = make_options(dry_run, force, local_mounts, remove_legacy, upgrade_retired, strict,
                           commit_branch(commit, branch, dry_run), rename_platform_cli)
    options = dataclasses.replace(options, settings=dataclasses.replace(
        options.settings, select=select, ignore=ignore))
    if check or show_diff:
        sys.exit(_check(path, options, load_metadata(schema_file, registry_file), show_diff,
                        output_format))
    with annotated_errors(path, output_format):
        done = _plan_one(path, options, load_metadata(schema_file, registry_file))
    if done.report is None:
        click.echo(f"{path}: {done.message}", err=True)
        return
    if with_code:
        from migrator import codemod

        checked = codemod.run(path, codemod.CodeOptions(), codemod.relationship_names(path))
        done = dataclasses.replace(done, report=dataclasses.replace(
            done.report, code=checked.findings))
    assert done.report is not None and done.result is not None
    wanted = _outputs(done.report, report_file, json_file, resources_script)
    staged = outputs.stage([o for o in wanted if o.target != "-"], _protected(done.result))
    try:  # the repository last: every output is already on disk
        with annotated_errors(path, output_format):
            done = _finish_one(path, options, done)
    except BaseException:
        staged.discard()
        raise
    staged.publish()
    assert done.report is not None and done.result is not None
    text_to_stderr = json_file == "-" or output_format != "text"
    if dry_run:
        from migrator import diff

        click.echo(diff.unified(done.result.files), nl=False, err=text_to_stderr)
    stream = sys.stderr if text_to_stderr else sys.stdout
    click.echo(render.terminal(done.report, color=use_color(stream)), nl=False,
               err=text_to_stderr)
    for output in wanted:  # on stdout; with --output-format json/github only the JSON report
        if output.target == "-":
            click.echo(output.text, nl=False, err=output_format != "text" and not output.machine)
    _print_machine(path, done.report, output_format, json_file == "-")
    if done.status is runner.Status.FAILED:
        raise done.error or MigratorError(done.message, str(path))
    if options.commit:
        click.echo(f"{path}: {done.message}", err=True)


def _plan_one(path: Path, options: Options, metadata: Metadata) -> Run:
    """Everything but the writing (with --commit: on a clean work tree, the branch checked out)."""
    if options.commit:
        from migrator import gitcommit

        return gitcommit.plan(path, options, metadata)
    from migrator import runner

    return runner.plan(path, options, metadata)


def _finish_one(path: Path, options: Options, done: Run) -> Run:
    """Write the repository (and, with --commit, commit exactly the migration's files)."""
    if options.commit:
        from migrator import gitcommit

        return gitcommit.finish(path, options, done)
    from migrator import runner

    runner.commit(done, options)
    return done


def _check(path: Path, options: Options, metadata: Metadata, show_diff: bool,
           output_format: str) -> int:
    """`migrate --check`: the pending files (one line each), the diff on request; exit code."""
    from migrator import annotations, check

    with annotated_errors(path, output_format):
        checked = check.check(path, options, metadata)
    if output_format == "json":
        click.echo(check.to_json(path, checked), nl=False)
    for line in check.lines(path, checked):
        if output_format == "github":
            line = annotations.command("error", line, title="upsun-migrator --check")
        click.echo(line, err=output_format == "json")
    if show_diff:
        from migrator.diff import unified

        click.echo(unified(checked.pending), nl=False, err=output_format != "text")
    if output_format == "github" and checked.run is not None and checked.run.report:
        _annotate_report(path, checked.run.report)
    click.echo(check.summary(path, checked), err=True)
    return checked.exit_code


def _print_machine(path: Path, built: Report, output_format: str, json_printed: bool) -> None:
    """--output-format json (unless --json - printed it already) or github, on stdout."""
    if output_format == "json" and not json_printed:
        from migrator.report import to_json

        click.echo(to_json(built), nl=False)
    if output_format == "github":
        _annotate_report(path, built)


def _annotate_report(path: Path, built: Report) -> None:
    from migrator import annotations

    for finding in built.findings:
        click.echo(annotations.finding(path, finding))
    for code in built.code:
        click.echo(annotations.code_finding(path, code))


def _outputs(built: Report, report_file: str | None, json_file: str | None,
             resources_script: str | None) -> list[Output]:
    """The report files asked for, in this order (`-` is stdout)."""
    from migrator import render, report
    from migrator.outputs import Output

    wanted = [Output(report_file, render.markdown(built)) if report_file else None,
              Output(json_file, report.to_json(built), machine=True) if json_file else None,
              Output(resources_script, render.resources_script(built), executable=True)
              if resources_script else None]
    return [output for output in wanted if output is not None]


def _protected(result: MigrationResult) -> set[Path]:
    """Files a report must never replace: those the migration reads, writes or removes."""
    paths = [p.path for p in result.files] + list(result.legacy_files)
    return {(result.root / rel).resolve() for rel in paths}


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
@output_format_option
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@error_boundary
def codemod(path: Path, mode: str, service_env_vars: bool, fix_production_check: bool,
            output_format: str, debug: bool) -> None:
    """Find (and rewrite) Python code that reads Platform.sh settings."""
    from migrator import codemod as code
    from migrator.diff import unified
    from migrator.model import FileAction, PlannedFile

    options = code.CodeOptions(service_env_vars, fix_production_check)
    with annotated_errors(path, output_format):
        done = code.run(path, options, code.relationship_names(path))
    if mode == "diff":
        click.echo(unified([PlannedFile(c.path, FileAction.MODIFY, c.old.encode(),
                                        c.new.encode()) for c in done.changes]), nl=False,
                   err=output_format != "text")
    if mode == "write":
        with annotated_errors(path, output_format):
            done = code.write(path, done)
    if output_format == "text" and mode != "diff":
        click.echo(code.listing(done), nl=False)  # findings, then the summary, on one stream
    else:
        if output_format != "text":
            _print_code_findings(path, done.findings, [c.path for c in done.changes], mode,
                                 output_format)
        click.echo(code.summary(done), nl=False, err=True)
    if mode != "write" and done.would_change:
        sys.exit(1)


def _print_code_findings(path: Path, findings: tuple[CodeFinding, ...], files: list[str],
                         mode: str, output_format: str) -> None:
    """The codemod's findings as text lines, one JSON document, or GitHub annotations."""
    if output_format == "json":
        import json

        document = {"version": 1, "path": str(path), "mode": mode,
                    "files": files, "findings": [
                        {"code": f.code, "severity": f.severity, "file": f.file, "line": f.line,
                         "column": f.column, "message": f.message, "rewritten": f.rewritten}
                        for f in findings]}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    from migrator import annotations

    for finding in findings:
        click.echo(annotations.code_finding(path, finding) if output_format == "github"
                   else str(finding))


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
@commit_options
@error_boundary
def bulk(roots: tuple[Path, ...], from_file: Path | None, dry_run: bool, force: bool,
         local_mounts: str, remove_legacy: bool, schema_file: Path | None,
         registry_file: Path | None, upgrade_retired: bool, strict: bool,
         rename_platform_cli: bool, debug: bool, jobs: int | None, timeout: float, shard_spec: str | None, summary_file: Path | None,
         summary_md: Path | None, commit: bool, branch: str | None) -> None:
    """Migrate many repositories: each ROOT is one, or a folder of them."""
    import time

    from migrator import bulk as fleet
    from migrator import summary
    from migrator.runner import FAILURES

    if not roots and from_file is None:
        raise click.UsageError("give at least one ROOT or --from-file")
    if summary_file is not None and summary_file.suffix not in (".jsonl", ".json", ".csv"):
        raise click.BadParameter("use a .jsonl or .csv file", param_hint="--summary")
    committing = commit_branch(commit, branch, dry_run)
    from migrator.outputs import probe

    probe([str(f) for f in (summary_file, summary_md) if f is not None])  # before any repository
    repos = fleet.find_repositories(roots, from_file)
    sliced = _shard(shard_spec)
    if sliced:
        repos = fleet.shard(repos, *sliced)
    options = make_options(dry_run, force, local_mounts, remove_legacy, upgrade_retired, strict,
                           committing, rename_platform_cli)
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
              help="Upsun config schema (default: cached copy, download, else embedded).")
@click.option("--registry", "registry_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Upsun image registry, for the versions (default: cached copy, download, "
                   "else embedded).")
@output_format_option
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@error_boundary
def validate(path: Path, schema_file: Path | None, registry_file: Path | None,
             output_format: str, debug: bool) -> None:
    """Check PATH/.upsun/*.yaml against the Upsun configuration schema."""
    from migrator.validate import Schema, validate_folder

    metadata = load_metadata(schema_file, registry_file)
    assert metadata.schema is not None and metadata.registry is not None
    runtimes, services = metadata.registry.version_schemas()
    with annotated_errors(path, output_format):
        errors = validate_folder(path, Schema(metadata.schema, runtimes, services))
    checked = f"{metadata.schema_origin}; versions from the {metadata.registry_origin}"
    _print_schema_errors(path, errors, checked, output_format)
    if errors:
        click.echo(f"{path}/.upsun: {len(errors)} error(s) ({checked})", err=True)
        sys.exit(1)
    click.echo(f"{path}/.upsun: valid ({checked})", err=True)


def _print_schema_errors(path: Path, errors: list[SchemaError], checked: str,
                         output_format: str) -> None:
    if output_format == "json":
        import json

        document = {"version": 1, "path": str(path), "valid": not errors, "checked": checked,
                    "errors": [{"file": e.file, "line": e.line, "path": e.path,
                                "message": e.message} for e in errors]}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    from migrator import annotations

    for error in errors:
        click.echo(annotations.schema_error(path, error) if output_format == "github"
                   else str(error))


@main.command(name="metadata")
@click.option("--refresh", is_flag=True,
              help="Download everything now, whatever the age of the cached copies.")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@error_boundary
def metadata_command(refresh: bool, debug: bool) -> None:
    """Show where Upsun's schema, image registry and composable data come from, and their age."""
    from migrator import published

    failed = []
    for resource in published.RESOURCES:
        found = published.get(resource, None, refresh)
        click.echo(found.describe(resource))
        if refresh and not found.downloaded:
            failed.append(resource.label)
    click.echo(f"cache folder: {published.cache_dir()}")
    click.echo(f"embedded: {published.embedded_snapshot().describe().removeprefix('the ')}")
    if failed:
        raise MigratorError(f"could not refresh: {', '.join(failed)}", published.meta_url())


def load_metadata(schema_file: Path | None, registry_file: Path | None,
                  refresh: bool = False) -> Metadata:
    """The schema, the image registry and the composable image data, each with its source."""
    from migrator import published
    from migrator.pipeline import Metadata
    from migrator.registry import Registry

    schema = published.get(published.SCHEMA, schema_file, refresh)
    images = published.get(published.IMAGES, registry_file, refresh)
    composable = published.get(published.COMPOSABLE, None, refresh)
    return Metadata(schema.data, schema.describe(published.SCHEMA),
                    Registry(images.data, composable.data), images.describe(published.IMAGES),
                    composable.describe(published.COMPOSABLE))
