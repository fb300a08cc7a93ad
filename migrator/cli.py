"""Command line: parse options, call the core, render, set the exit code. Nothing else.

The parser is argparse: `migrate` has to start about as fast as the interpreter, and importing
click took 13 ms of a 110 ms run (docs/performance.md). Each command is a function taking its
options as keyword arguments; `main` parses, calls it inside the one error boundary, and returns
the exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from migrator import __version__
from migrator.errors import MigratorError
from migrator.escape import terminal

TYPE_CHECKING = False
if TYPE_CHECKING:  # the heavy modules are imported by the commands that use them
    from typing import Any, NoReturn

    from migrator.codemod.findings import CodeFinding
    from migrator.model import Finding, MigrationResult
    from migrator.outputs import Output
    from migrator.pipeline import Metadata
    from migrator.report import Report
    from migrator.runner import Options, Outcome, Run
    from migrator.validate import SchemaError

PROG = "upsun-migrator"


class UsageError(Exception):
    """Options that do not go together: the command's usage and the message, exit 2."""


def run() -> NoReturn:
    """The console script: `main`, then the end of the process.

    When `main` returns, the process ends with `os._exit`, without the interpreter's teardown,
    which frees every module and object one by one: about 4 ms of a 47 ms `migrate` (mypy ends
    its runs the same way). Nothing of ours needs that teardown: every file is written, closed
    and in place before `main` returns, and the output streams are flushed here. The usual exit
    runs instead when something registered a function to run at exit (multiprocessing in
    `bulk`, or a library) or another thread runs, since os._exit would skip them; under a
    profiler or a debugger, which act after the run; and when `main` ends with SystemExit
    (--help, usage errors, `migrate --check`) or a flush fails. `python -m migrator` always
    exits the usual way: a tool may run that module inside its own process (runpy, cProfile).
    """
    code = main()
    if not _nothing_runs_at_exit():
        sys.exit(code)
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        sys.exit(code)
    os._exit(code)


def _nothing_runs_at_exit() -> bool:
    """No exit function is registered, no other thread runs, and no profiler or debugger
    watches (when CPython cannot tell how many exit functions there are, something may)."""
    import atexit

    count = getattr(atexit, "_ncallbacks", None)  # CPython's count of registered functions
    threading = sys.modules.get("threading")
    return count is not None and count() == 0 and \
        (threading is None or threading.active_count() == 1) and \
        sys.getprofile() is None and sys.gettrace() is None


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, run the command, return its exit code. The one error boundary: options that do
    not go together, usage and exit 2; a known error, one line and exit 1; Ctrl-C, exit 130;
    anything else is a bug: one line and exit 3 (the traceback with --debug)."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:  # started with it closed (`>&-`): print to nowhere
            import io

            setattr(sys, name, io.StringIO())
    parser, command, options = parse(sys.argv[1:] if argv is None else argv)
    try:
        command(**options)
    except UsageError as exc:
        parser.error(str(exc))
    except MigratorError as exc:
        echo(f"error: {exc}", err=True)
        return 1
    except BrokenPipeError:  # the reader of our output went away (`| head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        echo("interrupted", err=True)
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place that catches everything
        if options.get("debug"):
            import traceback

            traceback.print_exc()
        echo(f"internal error: {type(exc).__name__}: {terminal(str(exc))}. This is a bug in "
             "upsun-migrator: "
             "please report it with the output of the same command run again with --debug",
             err=True)
        return 3
    return 0


def parse(argv: Sequence[str]) -> tuple[argparse.ArgumentParser, Callable[..., None],
                                        dict[str, Any]]:
    """The command's parser, its function and its keyword arguments; usage errors, --help and
    --version exit here (2, 0, 0)."""
    argv = list(argv)
    if not argv or argv[0] not in COMMANDS:
        listing = "".join(f"\n  {name:<10}{_summary(f)}" for name, (f, _) in COMMANDS.items())
        top = argparse.ArgumentParser(
            prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter,
            description="Migrate legacy Platform.sh configuration to Upsun.",
            epilog=f"commands:{listing}\n\n`{PROG} COMMAND --help` shows its options.")
        top.add_argument("--version", action="version", version=f"{PROG} {__version__}")
        top.add_argument("command", choices=list(COMMANDS), metavar="COMMAND")
        top.parse_args(argv)
        raise AssertionError("argparse exits when the first argument is not a command")
    function, add_options = COMMANDS[argv[0]]
    parser = argparse.ArgumentParser(prog=f"{PROG} {argv[0]}", description=function.__doc__,
                                     formatter_class=_Formatter)
    add_options(parser)
    # bulk's roots may sit between options: only intermixed parsing takes them all, and it
    # formats the whole usage on every call (2 ms a run); one PATH takes plain parsing
    read = parser.parse_intermixed_args if argv[0] == "bulk" else parser.parse_args
    return parser, function, vars(read(argv[1:]))


class _Formatter(argparse.HelpFormatter):
    """argparse builds a formatter for each option it adds, and the default one asks the width
    of the terminal through shutil, whose import (with zlib, bz2 and lzma) every run would pay:
    ask os, as shutil.get_terminal_size does (COLUMNS, then the terminal, else 80)."""

    def __init__(self, prog: str) -> None:
        try:
            columns = int(os.environ["COLUMNS"])
        except (KeyError, ValueError):
            try:
                columns = os.get_terminal_size((sys.__stdout__ or sys.stdout).fileno()).columns
            except (ValueError, OSError):
                columns = 80
        super().__init__(prog, width=columns - 2)


def _summary(function: Callable[..., None]) -> str:
    return (function.__doc__ or "").split("\n")[0]


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    stream = sys.stderr if err else sys.stdout
    stream.write(f"{text}\n" if nl else text)
    stream.flush()


def use_color(stream: Any) -> bool:
    """On a terminal, unless NO_COLOR is set to a non-empty value (no-color.org: "when present
    and not an empty string")."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


# -- option types: a wrong value is a usage error naming the option -------------------------

def _path(kind: str, must_exist: bool = False) -> Callable[[str], Path]:
    """A path option naming a `folder` or a `file`: never the other kind; with must_exist,
    one that exists."""
    other, wrong = ("file", Path.is_file) if kind == "folder" else ("folder", Path.is_dir)

    def path(value: str) -> Path:
        given = Path(value)
        if wrong(given):
            raise argparse.ArgumentTypeError(f"{value!r} is a {other}, not a {kind}")
        if must_exist and not given.exists():
            raise argparse.ArgumentTypeError(f"{kind} {value!r} does not exist")
        return given

    return path


def _at_least(kind: type[int] | type[float], minimum: float) -> Callable[[str], float]:
    def number(value: str) -> float:
        try:
            parsed = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
        if parsed < minimum:
            raise argparse.ArgumentTypeError(f"{value} is below the minimum of {minimum}")
        return parsed

    return number


def _environment(value: str) -> str:
    """An environment name: printable, without spaces (it is quoted in the command anyway)."""
    if not value or not value.isprintable() or any(c.isspace() for c in value):
        raise argparse.ArgumentTypeError(f"{value!r} is not an environment name")
    return value


def _flag(parser: argparse.ArgumentParser, name: str, help: str, dest: str | None = None
          ) -> None:
    parser.add_argument(name, action="store_true", help=help,
                        dest=dest or name.lstrip("-").replace("-", "_"))


def _repository_argument(parser: argparse.ArgumentParser, must_exist: bool = False) -> None:
    parser.add_argument("path", nargs="?", type=_path("folder", must_exist), default=".",
                        metavar="PATH", help="The repository (default: the current folder).")


def _debug_option(parser: argparse.ArgumentParser) -> None:
    _flag(parser, "--debug", "Show tracebacks of internal errors.")


def _metadata_options(parser: argparse.ArgumentParser, *, verb: str) -> None:
    parser.add_argument("--schema", dest="schema_file", type=_path("file"), metavar="FILE",
                        help=f"Upsun config schema to {verb} with (default: cached copy, "
                             "download, else the embedded snapshot).")
    parser.add_argument("--registry", dest="registry_file", type=_path("file"), metavar="FILE",
                        help="Upsun image registry (default: cached copy, download, else the "
                             "embedded snapshot).")


def _migration_options(parser: argparse.ArgumentParser) -> None:
    """The options `migrate` and `bulk` share."""
    _flag(parser, "--dry-run", "Print a unified diff and the report; write nothing. Exits as "
                               "the real run would (1 if it would refuse).")
    _flag(parser, "--force", "Allow replacing an existing .upsun/config.yaml.")
    parser.add_argument("--local-mounts", choices=["storage", "instance"], default="storage",
                        help="What a legacy `local` mount becomes (default: storage).")
    _flag(parser, "--remove-legacy",
          "After a successful write, delete the legacy files that were migrated.")
    _metadata_options(parser, verb="validate")
    _flag(parser, "--upgrade-retired",
          "Rewrite retired, decommissioned and unlisted versions to the nearest supported one "
          "above (retired ones still deploy, without security updates).")
    _flag(parser, "--strict", "Exit 1, writing nothing, on error-level findings (such as a "
                               "decommissioned version); warnings do not fail.")
    _flag(parser, "--rename-platform-cli",
          "In hooks, commands and source operations, rename the command word `platform` to "
          "`upsun` and PLATFORMSH_CLI_TOKEN to UPSUN_CLI_TOKEN (UPS012 reports them either "
          "way).")
    parser.add_argument("--environment", type=_environment, metavar="NAME",
                        help="The production environment the `upsun resources:set` command is "
                             "for (`-e NAME`; default: a placeholder to fill in).")
    _debug_option(parser)


def _commit_options(parser: argparse.ArgumentParser) -> None:
    _flag(parser, "--commit", "In a clean git work tree: commit exactly the files the "
                              "migration created, changed or removed, on --branch (created or "
                              "checked out). Never pushes. The commit runs the hooks `git "
                              "commit` runs (pre-commit, prepare-commit-msg, commit-msg, "
                              "post-commit, reference-transaction, post-index-change) and signs "
                              "if the git configuration asks; no other git command runs a hook. "
                              "On a failure the repository is left as it was.")
    parser.add_argument("--branch", metavar="NAME",
                        help="With --commit: the branch to commit on (default: "
                             "upsun-migration).")
    _flag(parser, "--no-verify", "With --commit: run no hook at all and do not sign (for a "
                                 "repository you do not trust: its hooks run with your rights).",
          dest="no_verify")
    _flag(parser, "--git-filters", "With --commit: let git run the clean and smudge filters the "
                                   "repository's .gitattributes name (git-lfs, git-crypt); "
                                   "without it a file git would filter is refused before "
                                   "anything is written.")


def _output_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output-format", choices=["text", "json", "github"], default="text",
                        help="text for people (default); json for programs; github for GitHub "
                             "Actions annotations (::error file=...,line=...::message lines).")


def _write_output(target: str, text: str, trees: list[Path]) -> None:
    """A summary file `bulk` was asked for (`-` is stdout)."""
    from migrator import outputs

    if outputs.is_stdout(target):
        echo(text, nl=False)
        return
    outputs.write_now(target, text, trees)  # as every report file: whole or not at all


class annotated_errors:  # lower case: used as `with annotated_errors(...)`, as it was a function
    """A known failure is also machine output on stdout: with --output-format github an error
    annotation, with json one document `{"version", "path", "error": {file, line, column,
    message}}`, so that stdout always holds what the format promises. (A class: contextlib's
    import was 0.45 ms of every run, and nothing else `migrate` loads needs it.)"""

    def __init__(self, path: Path, output_format: str) -> None:
        self.path, self.output_format = path, output_format

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 _traceback: object) -> None:
        if not isinstance(exc, MigratorError):
            return  # nothing raised, or not a known failure: it goes on as it is
        if self.output_format == "github":
            from migrator import annotations

            echo(annotations.error(self.path, exc))
        elif self.output_format == "json":
            from migrator.escape import dumps

            error = {"file": exc.file, "line": exc.line, "column": exc.column,
                     "message": exc.message}
            echo(dumps({"version": 1, "path": str(self.path), "error": error}, indent=2))


def commit_branch(commit: bool, branch: str | None, dry_run: bool, no_verify: bool = False,
                  git_filters: bool = False) -> str | None:
    """The branch `--commit` commits on, or None; usage errors for what does not fit."""
    if not commit:
        given = [name for name, on in (("--branch", branch is not None),
                                       ("--no-verify", no_verify),
                                       ("--git-filters", git_filters)) if on]
        if given:
            raise UsageError(f"{given[0]} needs --commit")
        return None
    from migrator.gitcommit import DEFAULT_BRANCH, valid_branch
    if dry_run:
        raise UsageError("--commit writes and commits; it cannot go with --dry-run")
    name = branch or DEFAULT_BRANCH
    if not valid_branch(name):
        raise UsageError(f"--branch: {name!r} is not a valid git branch name")
    return name


def make_options(dry_run: bool, force: bool, local_mounts: str, remove_legacy: bool,
                 upgrade_retired: bool, strict: bool, commit: str | None = None,
                 rename_platform_cli: bool = False, select: tuple[str, ...] = (),
                 ignore: tuple[str, ...] = (), no_verify: bool = False,
                 git_filters: bool = False, environment: str | None = None) -> Options:
    from migrator.model import LocalMounts, Settings
    from migrator.runner import Options

    settings = Settings(local_mounts=LocalMounts(local_mounts), remove_legacy=remove_legacy,
                        upgrade_retired=upgrade_retired,
                        rename_platform_cli=rename_platform_cli, select=select, ignore=ignore,
                        environment=environment)
    return Options(dry_run=dry_run, force=force, strict=strict, settings=settings,
                   commit=commit, verify=not no_verify, git_filters=git_filters)


def _codes(option: str, values: list[str], source: str | None = None) -> tuple[str, ...]:
    """`--select UPS003,UPS2 --select UPS9` -> ("UPS003", "UPS2", "UPS9"); unknown ones (or
    ones of another source, such as a rule's code for the codemod): usage."""
    from migrator.codes import unknown

    codes = tuple(c.strip().upper() for v in values for c in v.split(",") if c.strip())
    wrong = unknown(codes, source)
    if wrong:
        raise UsageError(f"{option}: no {source + ' ' if source else ''}code starts with "
                         f"{', '.join(wrong)}")
    return codes


def _selection_options(parser: argparse.ArgumentParser, select: str, ignore: str) -> None:
    """--select and --ignore: codes or prefixes, comma-separated, each option repeatable."""
    parser.add_argument("--select", metavar="CODES", action="append", default=[], help=select)
    parser.add_argument("--ignore", metavar="CODES", action="append", default=[], help=ignore)


def _migrate_options(parser: argparse.ArgumentParser) -> None:
    _repository_argument(parser)
    _migration_options(parser)
    parser.add_argument("--report", dest="report_file", metavar="FILE",
                        help="Also write the report as Markdown.")
    parser.add_argument("--json", dest="json_file", metavar="FILE",
                        help="Also write the report as JSON (`-`: stdout, the text report then "
                             "goes to stderr).")
    parser.add_argument("--resources-script", metavar="FILE",
                        help="Write the `upsun resources:set` command as an executable shell "
                             "script.")
    _flag(parser, "--code", "Also check the Python code (the codemod, in check mode) and report "
                            "it.", dest="with_code")
    _flag(parser, "--check", "Write nothing; list the files migrating would create, change or "
                             "remove; exit 1 if there is any, 0 if there is nothing to do.")
    _flag(parser, "--diff", "With --check (implied): also print the unified diff.",
          dest="show_diff")
    _commit_options(parser)
    _output_format_option(parser)
    _selection_options(
        parser, "Only these rules and checks, and with --code codemod codes (codes or "
                "prefixes, comma-separated: UPS003,UPS2).",
        "Skip these rules and checks (codes or prefixes, comma-separated).")


def migrate(path: Path, dry_run: bool, force: bool, local_mounts: str, remove_legacy: bool,
            schema_file: Path | None, registry_file: Path | None, upgrade_retired: bool,
            strict: bool, rename_platform_cli: bool, environment: str | None, debug: bool,
            report_file: str | None, json_file: str | None, resources_script: str | None,
            with_code: bool, check: bool, show_diff: bool, commit: bool, branch: str | None,
            no_verify: bool, git_filters: bool, output_format: str, select: list[str],
            ignore: list[str]) -> None:
    """Write PATH/.upsun/config.yaml from the legacy Platform.sh files of PATH."""
    from migrator import outputs, render, runner

    codes = _codes("--select", select), _codes("--ignore", ignore)
    if commit and (check or show_diff):
        raise UsageError("--commit cannot go with --check or --diff")
    options = make_options(dry_run, force, local_mounts, remove_legacy, upgrade_retired, strict,
                           commit_branch(commit, branch, dry_run, no_verify, git_filters),
                           rename_platform_cli, *codes, no_verify, git_filters,
                           environment=environment)
    if check or show_diff:
        sys.exit(_check(path, options, load_metadata(schema_file, registry_file), show_diff,
                        output_format))
    with annotated_errors(path, output_format):
        done = _plan_one(path, options, load_metadata(schema_file, registry_file))
    if done.status is runner.Status.SKIPPED:
        echo(f"{path}: {terminal(done.message)}", err=True)
        return
    report, result = done.report, done.result
    assert report is not None and result is not None
    try:  # with --commit the branch is checked out: a failure before the write goes back
        if with_code:
            from migrator import codemod

            checked = codemod.run(path, codemod.CodeOptions(select=options.settings.select,
                                                            ignore=options.settings.ignore),
                                  codemod.relationship_names(path))
            report = report._replace(code=checked.findings)
            done = done._replace(report=report)
        wanted = _outputs(report, report_file, json_file, resources_script)
        files = [o for o in wanted if not outputs.is_stdout(o.target)]
        staged = outputs.stage(files, _protected(result) if files else set(), (path,))
    except BaseException as exc:
        _abandon(path, options, done, exc)
        raise
    try:  # the repository last: every output is already on disk
        with annotated_errors(path, output_format):
            done = _finish_one(path, options, done)
    except BaseException:
        staged.discard()
        raise
    staged.publish()
    assert done.report is not None and done.result is not None
    text_to_stderr = outputs.is_stdout(json_file) or output_format != "text"
    if dry_run:
        from migrator import diff

        echo(diff.unified(done.result.files), nl=False, err=text_to_stderr)
    stream = sys.stderr if text_to_stderr else sys.stdout
    echo(render.terminal(done.report, color=use_color(stream)), nl=False, err=text_to_stderr)
    for output in wanted:  # on stdout; with --output-format json/github only the JSON report
        if outputs.is_stdout(output.target):
            echo(output.text, nl=False, err=output_format != "text" and not output.machine)
    _print_machine(path, done.report, output_format, outputs.is_stdout(json_file))
    staged.write_descriptors()  # `/dev/stderr`, `/dev/fd/N`: after everything printed
    if done.status is runner.Status.FAILED:
        raise done.error or MigratorError(done.message, str(path))
    if options.commit:
        echo(f"{path}: {terminal(done.message)}", err=True)


def _plan_one(path: Path, options: Options, metadata: Metadata) -> Run:
    """Everything but the writing (with --commit: on a clean work tree, the branch checked out)."""
    if options.commit:
        from migrator import gitcommit

        return gitcommit.plan(path, options, metadata)
    from migrator import runner

    return runner.plan(path, options, metadata)


def _abandon(path: Path, options: Options, done: Run, exc: BaseException) -> None:
    """A failure between planning and writing: with --commit, HEAD goes back where it was."""
    if options.commit and done.before is not None:
        from migrator import gitcommit

        gitcommit.abandon(path, options, done, exc)


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
        echo(check.to_json(path, checked), nl=False)
    for line in check.lines(path, checked):
        if output_format == "github":
            line = annotations.command("error", line, title="upsun-migrator --check")
        echo(line, err=output_format == "json")
    if output_format != "github":
        for finding in checked.findings:
            echo(str(finding), err=output_format == "json")
    elif checked.run is not None and checked.run.report is None:
        for finding in checked.findings:  # a migrated repository: no report to annotate
            echo(annotations.finding(path, finding))
    if show_diff:
        from migrator.diff import unified

        echo(unified(checked.pending), nl=False, err=output_format != "text")
    if output_format == "github" and checked.run is not None and checked.run.report:
        _annotate_report(path, checked.run.report)
    echo(check.summary(path, checked), err=True)
    return checked.exit_code


def _print_machine(path: Path, built: Report, output_format: str, json_printed: bool) -> None:
    """--output-format json (unless --json - printed it already) or github, on stdout."""
    if output_format == "json" and not json_printed:
        from migrator.report import to_json

        echo(to_json(built), nl=False)
    if output_format == "github":
        _annotate_report(path, built)


def _annotate_report(path: Path, built: Report) -> None:
    from migrator import annotations

    for finding in built.findings:
        echo(annotations.finding(path, finding))
    for code in built.code:
        echo(annotations.code_finding(path, code))


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


def _codemod_options(parser: argparse.ArgumentParser) -> None:
    _repository_argument(parser, must_exist=True)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", dest="mode", action="store_const", const="check",
                      help="Report only (default); exit 1 if a finding would change code.")
    mode.add_argument("--diff", dest="mode", action="store_const", const="diff",
                      help="Print a unified diff; write nothing.")
    mode.add_argument("--write", dest="mode", action="store_const", const="write",
                      help="Rewrite the files.")
    parser.set_defaults(mode="check")
    _flag(parser, "--service-env-vars",
          "Rewrite credentials reads to Upsun's service environment variables.")
    _flag(parser, "--fix-production-check",
          "Rewrite on_production() to test PLATFORM_ENVIRONMENT_TYPE.")
    _selection_options(
        parser, "Rewrite and report only these codes (codes or prefixes, comma-separated: "
                "UPS121,UPS16).",
        "Neither rewrite nor report these codes (codes or prefixes, comma-separated).")
    _output_format_option(parser)
    _debug_option(parser)


def codemod(path: Path, mode: str, service_env_vars: bool, fix_production_check: bool,
            select: list[str], ignore: list[str], output_format: str, debug: bool) -> None:
    """Find (and rewrite) Python code that reads Platform.sh settings."""
    from migrator import codemod as code
    from migrator.diff import unified
    from migrator.model import FileAction, PlannedFile

    options = code.CodeOptions(service_env_vars, fix_production_check,
                               _codes("--select", select, "codemod"),
                               _codes("--ignore", ignore, "codemod"))
    with annotated_errors(path, output_format):
        done = code.run(path, options, code.relationship_names(path))
    if mode == "diff":
        echo(unified([PlannedFile(c.path, FileAction.MODIFY, c.old.encode(), c.new.encode())
                      for c in done.changes]), nl=False, err=output_format != "text")
    if mode == "write":
        with annotated_errors(path, output_format):
            done = code.write(path, done)
    if output_format == "text" and mode != "diff":
        echo(code.listing(done), nl=False)  # findings, then the summary, on one stream
    else:
        if output_format != "text":
            _print_code_findings(path, done.findings, [c.path for c in done.changes], mode,
                                 output_format)
        echo(code.summary(done), nl=False, err=True)
    if mode != "write" and done.would_change:
        sys.exit(1)


def _print_code_findings(path: Path, findings: tuple[CodeFinding, ...], files: list[str],
                         mode: str, output_format: str) -> None:
    """The codemod's findings as text lines, one JSON document, or GitHub annotations."""
    from migrator import annotations, escape

    if output_format == "json":
        document = {"version": 1, "path": str(path), "mode": mode,
                    "files": files, "findings": [
                        {"code": f.code, "severity": f.severity, "file": f.file, "line": f.line,
                         "column": f.column, "message": f.message, "rewritten": f.rewritten}
                        for f in findings]}
        echo(escape.dumps(document, indent=2))
        return
    for finding in findings:
        echo(annotations.code_finding(path, finding) if output_format == "github"
             else escape.terminal(str(finding)))


def _shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        index, count = (int(part) for part in value.split("/"))
    except ValueError:
        raise UsageError("--shard: expected K/N, for example 2/8") from None
    if not 1 <= index <= count:
        raise UsageError("--shard: K must be between 1 and N")
    return index, count


def _bulk_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("roots", nargs="*", type=Path, metavar="ROOT",
                        help="A repository, or a folder holding repositories at any depth.")
    parser.add_argument("--from-file", type=_path("file", must_exist=True), metavar="FILE",
                        help="A file listing repositories, one per line.")
    _migration_options(parser)
    parser.add_argument("--jobs", type=_at_least(int, 1),
                        help="Worker processes (default: CPUs).")
    parser.add_argument("--timeout", type=_at_least(float, 0.1), default=60.0,
                        help="Seconds one repository may take (default: 60).")
    parser.add_argument("--shard", dest="shard_spec", metavar="K/N",
                        help="Only the K-th of N slices.")
    parser.add_argument("--summary", dest="summary_file", type=_path("file"), metavar="FILE",
                        help="Summary per repository: JSON lines (.jsonl) or CSV (.csv).")
    parser.add_argument("--summary-md", type=_path("file"), metavar="FILE",
                        help="Summary per repository as a Markdown table.")
    _commit_options(parser)


def bulk(roots: list[Path], from_file: Path | None, dry_run: bool, force: bool,
         local_mounts: str, remove_legacy: bool, schema_file: Path | None,
         registry_file: Path | None, upgrade_retired: bool, strict: bool,
         rename_platform_cli: bool, environment: str | None, debug: bool, jobs: int | None,
         timeout: float,
         shard_spec: str | None, summary_file: Path | None,
         summary_md: Path | None, commit: bool, branch: str | None, no_verify: bool,
         git_filters: bool) -> None:
    """Migrate many repositories: each ROOT is one, or a folder of them."""
    import time

    from migrator import bulk as fleet
    from migrator import runner, summary
    from migrator.runner import FAILURES

    if not roots and from_file is None:
        raise UsageError("give at least one ROOT or --from-file")
    if summary_file is not None and summary_file.suffix not in (".jsonl", ".json", ".csv"):
        raise UsageError("--summary: use a .jsonl or .csv file")
    committing = commit_branch(commit, branch, dry_run, no_verify, git_filters)
    sliced = _shard(shard_spec)
    found = fleet.survey(tuple(roots), from_file)
    repos, links = found.repos, found.links
    if sliced:
        repos, links = fleet.shard(repos, *sliced), fleet.shard(links, *sliced)
    trees = [*roots, *map(Path, repos)]  # untrusted: a summary there follows no link
    from migrator.outputs import probe

    probe([str(f) for f in (summary_file, summary_md) if f is not None], trees)  # before any
    options = make_options(dry_run, force, local_mounts, remove_legacy, upgrade_retired, strict,
                           committing, rename_platform_cli, no_verify=no_verify,
                           git_filters=git_filters, environment=environment)
    pool = fleet.Pool(jobs or fleet.default_jobs(), options,
                      load_metadata(schema_file, registry_file), timeout)
    outcomes: list[Outcome] = []
    progress = summary.Progress(len(repos) + len(links), sys.stdout,
                                sys.stderr if sys.stderr.isatty() else None)

    def collect(item: Outcome) -> None:
        outcomes.append(item)
        progress(item)

    start = time.monotonic()
    for link in links:
        collect(runner.Outcome(link, runner.Status.SKIPPED, message=fleet.LINKED))
    left = pool.run(repos, collect, lambda: echo(
        "\ninterrupted: finishing the repositories in progress", err=True))
    progress.finish()
    if summary_file:
        _write_output(str(summary_file), summary.machine_summary(outcomes, summary_file), trees)
    if summary_md:
        _write_output(str(summary_md), summary.markdown_summary(outcomes), trees)
    echo(summary.totals(outcomes, time.monotonic() - start), err=True)
    if pool.stopping:
        echo(f"not processed: {len(left)} repositories", err=True)
        sys.exit(130)
    if any(o.status in FAILURES for o in outcomes):
        sys.exit(1)


def _validate_options(parser: argparse.ArgumentParser) -> None:
    _repository_argument(parser)
    _metadata_options(parser, verb="check")
    _output_format_option(parser)
    _debug_option(parser)


def validate(path: Path, schema_file: Path | None, registry_file: Path | None,
             output_format: str, debug: bool) -> None:
    """Check PATH/.upsun/*.yaml against the Upsun configuration schema and image registry."""
    from migrator.model import Severity
    from migrator.upsunfiles import ANY_STRING
    from migrator.upsuntree import registry_findings
    from migrator.validate import Schema, validate_folder

    metadata = load_metadata(schema_file, registry_file)
    assert metadata.schema is not None and metadata.registry is not None
    with annotated_errors(path, output_format):  # versions: the registry checks, not the enum
        errors = validate_folder(path, Schema(metadata.schema, ANY_STRING, ANY_STRING))
        findings = registry_findings(path, metadata.registry)
    checked = f"{metadata.schema_origin}; versions from the {metadata.registry_origin}"
    _print_schema_errors(path, errors, findings, checked, output_format)
    failures = len(errors) + sum(f.severity is Severity.ERROR for f in findings)
    if failures:
        echo(f"{path}/.upsun: {failures} error(s) ({checked})", err=True)
        sys.exit(1)
    warnings = sum(f.severity is Severity.WARNING for f in findings)
    echo(f"{path}/.upsun: valid{f' with {warnings} warning(s)' if warnings else ''} "
         f"({checked})", err=True)


def _print_schema_errors(path: Path, errors: list[SchemaError], findings: list[Finding],
                         checked: str, output_format: str) -> None:
    """Schema errors (`file:line: path: message`), then the registry findings as `migrate`'s
    report prints them; or one JSON document; or GitHub annotations."""
    from migrator import annotations, escape
    from migrator.model import Severity

    if output_format == "json":
        valid = not errors and not any(f.severity is Severity.ERROR for f in findings)
        document = {"version": 1, "path": str(path), "valid": valid, "checked": checked,
                    "errors": [{"file": e.file, "line": e.line, "path": e.path,
                                "message": e.message} for e in errors],
                    "findings": [{"code": f.code, "severity": f.severity.value,
                                  "file": f.location.file, "line": f.location.line,
                                  "message": f.message} for f in findings]}
        echo(escape.dumps(document, indent=2))
        return
    for error in errors:
        echo(annotations.schema_error(path, error) if output_format == "github"
             else escape.terminal(str(error)))
    for finding in findings:
        echo(annotations.finding(path, finding) if output_format == "github"
             else escape.terminal(str(finding)))


def _metadata_command_options(parser: argparse.ArgumentParser) -> None:
    _flag(parser, "--refresh", "Download everything now, whatever the age of the cached copies.")
    _debug_option(parser)


def metadata_command(refresh: bool, debug: bool) -> None:
    """Show where Upsun's schema, image registry and composable data come from, and their age."""
    from migrator import published

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
                    composable.describe(published.COMPOSABLE), schema_audited=True)


#: Each command: its function and what adds its options to its parser.
COMMANDS: dict[str, tuple[Callable[..., None], Callable[[argparse.ArgumentParser], None]]] = {
    "migrate": (migrate, _migrate_options),
    "codemod": (codemod, _codemod_options),
    "bulk": (bulk, _bulk_options),
    "validate": (validate, _validate_options),
    "metadata": (metadata_command, _metadata_command_options),
}
