"""Report -> text: the terminal (colour on a TTY), Markdown, and the resources shell script."""

from __future__ import annotations

import shlex
import textwrap
from collections.abc import Callable
from dataclasses import replace

from migrator import escape
from migrator.model import Location, ResourceHint
from migrator.report import RESOURCE_INIT, Report, planned
from migrator.upsun import published, resources

_TONES = {"error": "31", "warning": "33", "info": "36"}
#: Platform.sh's `size` applied to production only (migrator.facts.PLATFORMSH_SIZES).
PRODUCTION = "for your production environment: Platform.sh applied legacy sizes to production only"


def headline(report: Report) -> str:
    s = report.summary
    verb = "Migrated" if report.written else "Would migrate"
    return (f"{verb}: {s['applications']} application(s), {s['workers']} worker(s), "
            f"{s['services']} service(s), {s['routes']} route(s); {s['changes']} change(s), "
            f"{s['errors']} error(s), {s['warnings']} warning(s)")


def resource_line(hint: ResourceHint) -> str:
    """`1 CPU, 384 MB RAM (HIGH_CPU), disk 2048 MB` for a container, or why there is none."""
    parts = []
    if hint.cpu is not None:
        ram = f", {hint.ram} MB RAM" if hint.ram is not None else ""
        written = "" if not hint.new_profile else ": set container_profile by hand" \
            if hint.by_hand else ", set as container_profile"
        parts.append(f"{resources.format_cpu(hint.cpu)} CPU{ram} ({hint.profile}{written})")
    if hint.disk is not None:
        parts.append(f"disk {hint.disk} MB")
    return ", ".join(parts) or "no size or disk hint"


def legacy_line(hint: ResourceHint) -> str:
    """`size M = 0.40 CPU, 128 MB, disk 512` for a container: what it had on Platform.sh."""
    legacy = hint.legacy
    parts = []
    if legacy.size is not None:
        where = "web.size" if "size" in legacy.from_web else "size"
        parts.append(f"{where} {legacy.size}" + (" (inherited from the app)"
                                                 if legacy.size_inherited else ""))
    if legacy.base_memory is not None or legacy.memory_ratio is not None:
        parts.append(f"resources {legacy.base_memory}/{legacy.memory_ratio}"
                     + (" (inherited from the app)" if legacy.resources_inherited else ""))
    if hint.had is not None:
        parts[-1] += f" = {hint.had.cpu:.2f} CPU, {hint.had.ram} MB"
    if legacy.disk is not None:
        parts.append(f"disk {legacy.disk}")
    return ", ".join(parts)


def remarks(hint: ResourceHint) -> list[str]:
    """What the report says under a container: why its profile, notes, then warnings."""
    return [*resources.profile_notes(hint), *hint.notes,
            *(f"warning: {warning}" for warning in hint.warnings)]


def as_is(path: str) -> str:
    return path


def terminal(report: Report, color: bool = False, where: Callable[[str], str] = as_is) -> str:
    """The report for a terminal or a CI log: every text from the repository (names, paths,
    keys, values, messages that quote them) through `escape.terminal`. `where` turns a path in
    the repository into the one shown (`where.in_repository`: relative to the current
    folder, as every message shows it)."""
    def at(location: Location) -> str:
        return shown(str(location._replace(file=where(location.file))))

    def bold(text: str) -> str:
        return f"\033[1m{text}\033[0m" if color else text

    def tone(label: str) -> str:
        return f"\033[{_TONES[label]}m{label}\033[0m" if color else label

    shown = escape.terminal
    lines = [bold(headline(report))]
    lines += [f"  checked: {shown(line)}" for line in report.result.validation]
    if report.result.files:
        lines += ["", bold("Files")] + [f"  {verb} {shown(where(path))}"
                                        for verb, path in planned(report)]
    if report.findings:
        lines += ["", bold("Findings")]
        lines += [f"  {tone(f.severity.value)}  {f.code}  {at(f.location)}  "
                  f"{shown(f.message)}" for f in report.findings]
    if report.hints:
        lines += ["", bold("Resources") + f" ({PRODUCTION})"]
        for hint in report.hints:
            lines.append(f"  {shown(hint.container)} ({at(hint.legacy.location)}): "
                         f"legacy {shown(legacy_line(hint))} -> {shown(resource_line(hint))}")
            lines += [f"    {shown(note)}" for note in remarks(hint)]
        if report.command:
            lines.append(f"  {shown(report.command)}")
    if report.changes:
        lines += ["", bold("Changes")]
        lines += [f"  {c.code}  {at(c.location)}  {shown(c.path)}: {shown(c.before)} -> "
                  f"{shown(c.after)}" for c in report.changes]
    if report.code:
        lines += ["", bold("Python code")] + [f"  {shown(str(replace(f, file=where(f.file))))}"
                                              for f in report.code]
    lines += ["", bold("Next steps")]
    lines += [f"  {n}. {shown(step)}" for n, step in enumerate(report.steps, 1)]
    return "\n".join(lines) + "\n"


def _table(title: str, headers: list[str], rows: list[list[str]]) -> list[str]:
    """A Markdown section holding one table; cells are given ready (escaped, quoted)."""
    return ([f"## {title}", "", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
            + ["| " + " | ".join(row) + " |" for row in rows] + [""])


def _code(text: object) -> str:
    """A table cell holding a location, path, name or value as code."""
    return escape.md_code(str(text), table=True)


def _says(text: str) -> str:
    """A table cell holding a message (its `code spans` kept)."""
    return escape.md_message(text, table=True)


def markdown(report: Report) -> str:
    """The report as GitHub Markdown: locations, paths, names and values in code spans that
    nothing in them can leave, messages escaped (`escape.md_message`), one line per row."""
    lines = ["# Upsun migration report", "", headline(report) + ".", ""]
    lines += _checked_markdown(report.result.validation)
    if report.result.files:
        lines += ["## Files", ""] + [f"- {verb} {escape.md_code(path)}"
                                     for verb, path in planned(report)] + [""]
    if report.findings:
        lines += _table("Findings", ["severity", "code", "where", "message"], [
            [f.severity.value, f.code, _code(f.location), _says(f.message)]
            for f in report.findings])
    if report.hints:
        table = _table("Resources", ["container", "from", "legacy", "Upsun", "notes"], [
            [_code(h.container), _code(h.legacy.location), _says(legacy_line(h)),
             _says(resource_line(h)), _says("; ".join(remarks(h)))] for h in report.hints])
        lines += [*table[:2], f"{PRODUCTION[0].upper()}{PRODUCTION[1:]}.", "", *table[2:]]
        if report.command:
            lines += [*escape.md_fence(report.command, "sh"), ""]
    if report.changes:
        lines += _table("Changes", ["code", "where", "path", "before", "after"], [
            [c.code, _code(c.location), _code(c.path), _code(c.before), _code(c.after)]
            for c in report.changes])
    if report.code:
        lines += _table("Python code", ["code", "where", "rewritten", "message"], [
            [f.code, _code(f"{f.file}:{f.line}:{f.column}"), "yes" if f.rewritten else "no",
             _says(f.message)] for f in report.code])
    lines += ["## Next steps", ""] + [f"{n}. {escape.md_message(s)}"
                                      for n, s in enumerate(report.steps, 1)]
    return "\n".join(lines) + "\n"


def _checked_markdown(validation: tuple[str, ...]) -> list[str]:
    """The `checked:` lines; those that say a download failed (a long reason each, the same
    on every report of a run) folded into a `<details>` block under a one-line summary."""
    failed = [line for line in validation if published.after_failure(line)]
    lines = [f"- checked: {escape.md_text(line)}" for line in validation if line not in failed]
    if failed:
        lines += ["", f"<details><summary>checked: {len(failed)} source(s) taken after a failed "
                      "download</summary>", "", *(f"- checked: {escape.md_text(line)}"
                                                   for line in failed), "", "</details>"]
    return [*lines, ""]


def resources_script(report: Report) -> str:
    """An executable script running the one `resources:set` command, each value explained, and
    naming the containers it leaves to Upsun's defaults. The command's arguments are quoted;
    the explanations are comments of one line each."""
    lines = ["#!/bin/sh", "# Upsun resources from the legacy Platform.sh sizes (upsun-migrator).",
             f"# {PRODUCTION[0].upper()}{PRODUCTION[1:]}; run it after the first push.",
             *(f"# {line}" for line in _wrap(RESOURCE_INIT)), "set -e"]
    if report.environment is None:
        lines += resources_script_arguments()
    for hint in report.hints:
        lines.append("# " + escape.comment(f"{hint.container}: legacy {legacy_line(hint)} at "
                                           f"{hint.legacy.location} -> {resource_line(hint)}"))
        lines += [f"#   {escape.comment(note)}" for note in remarks(hint)]
    left = _left_to_defaults(report)
    if left:
        disks = [h.container for h in report.hints if h.disk is not None]
        text = (f"Not sized here (no legacy size): {', '.join(left)}; disks set only for: "
                f"{', '.join(disks) or 'none'}. The others keep what Upsun gave them; with "
                "--resources-init=manual, resources:set asks for them.")
        lines += [f"# {escape.comment(line)}" for line in _wrap(text)]
        lines.append(f"echo {shlex.quote(escape.visible(text))} >&2")
    command = resources.command(list(report.hints), report.environment,
                                variable=None if report.environment else "environment")
    if command:
        lines.append(command)
    elif any((h.cpu is not None or h.disk is not None) and not resources.named(h.legacy)
             for h in report.hints):
        lines.append("echo 'No container with a legacy size or disk has a name Upsun allows: "
                     "nothing to set.'")
    else:
        lines.append("echo 'No legacy size or disk to carry over.'")
    return "\n".join(lines) + "\n"


def resources_script_arguments() -> list[str]:
    """The script's lines that take the environment as its one argument (no `--environment`)."""
    return ['if [ "$#" -ne 1 ]; then echo "usage: $0 PRODUCTION_ENVIRONMENT" >&2; exit 2; fi',
            "environment=$1"]


def _left_to_defaults(report: Report) -> list[str]:
    """The containers the command gives no size."""
    sized = {h.container for h in report.hints if h.cpu is not None}
    result = report.result
    return [name for name in (*result.apps, *result.workers, *result.services)
            if name not in sized]


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, 96, break_long_words=False, break_on_hyphens=False)
