"""Report -> text: the terminal (colour on a TTY), Markdown, and the resources shell script."""

from __future__ import annotations

from migrator import escape, resources
from migrator.report import Report, planned
from migrator.resources import ResourceHint

_TONES = {"error": "31", "warning": "33", "info": "36"}


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
        parts.append(f"{resources.format_cpu(hint.cpu)} CPU{ram} ({hint.profile})")
    if hint.disk is not None:
        parts.append(f"disk {hint.disk} MB")
    return ", ".join(parts) or "no size or disk hint"


def legacy_line(hint: ResourceHint) -> str:
    legacy = hint.legacy
    parts = []
    if legacy.size is not None:
        parts.append(f"size {legacy.size}" + (" (inherited from the app)"
                                             if legacy.size_inherited else ""))
    if legacy.disk is not None:
        parts.append(f"disk {legacy.disk}")
    if legacy.base_memory is not None or legacy.memory_ratio is not None:
        parts.append(f"resources {legacy.base_memory}/{legacy.memory_ratio}")
    return ", ".join(parts)


def terminal(report: Report, color: bool = False) -> str:
    """The report for a terminal or a CI log: every text from the repository (names, paths,
    keys, values, messages that quote them) through `escape.terminal`."""
    def bold(text: str) -> str:
        return f"\033[1m{text}\033[0m" if color else text

    def tone(label: str) -> str:
        return f"\033[{_TONES[label]}m{label}\033[0m" if color else label

    shown = escape.terminal
    lines = [bold(headline(report))]
    lines += [f"  checked: {shown(line)}" for line in report.result.validation]
    if report.result.files:
        lines += ["", bold("Files")] + [f"  {verb} {shown(path)}" for verb, path in planned(report)]
    if report.findings:
        lines += ["", bold("Findings")]
        lines += [f"  {tone(f.severity.value)}  {f.code}  {shown(str(f.location))}  "
                  f"{shown(f.message)}" for f in report.findings]
    if report.hints:
        lines += ["", bold("Resources")]
        for hint in report.hints:
            lines.append(f"  {shown(hint.container)} ({shown(str(hint.legacy.location))}): "
                         f"legacy {shown(legacy_line(hint))} -> {shown(resource_line(hint))}")
            lines += [f"    {shown(note)}" for note in hint.notes]
        if report.command:
            lines.append(f"  {shown(report.command)}")
    if report.changes:
        lines += ["", bold("Changes")]
        lines += [f"  {c.code}  {shown(str(c.location))}  {shown(c.path)}: {shown(c.before)} -> "
                  f"{shown(c.after)}" for c in report.changes]
    if report.code:
        lines += ["", bold("Python code")] + [f"  {shown(str(f))}" for f in report.code]
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
    lines += [f"- checked: {escape.md_text(line)}" for line in report.result.validation] + [""]
    if report.result.files:
        lines += ["## Files", ""] + [f"- {verb} {escape.md_code(path)}"
                                     for verb, path in planned(report)] + [""]
    if report.findings:
        lines += _table("Findings", ["severity", "code", "where", "message"], [
            [f.severity.value, f.code, _code(f.location), _says(f.message)]
            for f in report.findings])
    if report.hints:
        lines += _table("Resources", ["container", "from", "legacy", "Upsun", "notes"], [
            [_code(h.container), _code(h.legacy.location), _says(legacy_line(h)),
             _says(resource_line(h)), _says("; ".join(h.notes))] for h in report.hints])
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


def resources_script(report: Report) -> str:
    """An executable script running the one `resources:set` command, each value explained.
    The command's arguments are quoted; the explanations are comments of one line each."""
    lines = ["#!/bin/sh", "# Upsun resources from the legacy Platform.sh sizes (upsun-migrator).",
             "# Run it after the first push, or push with --resources-init=manual first.", "set -e"]
    for hint in report.hints:
        lines.append("# " + escape.comment(f"{hint.container}: legacy {legacy_line(hint)} at "
                                           f"{hint.legacy.location} -> {resource_line(hint)}"))
        lines += [f"#   {escape.comment(note)}" for note in hint.notes]
    if report.command:
        lines.append(report.command)
    elif any((h.cpu is not None or h.disk is not None) and not resources.named(h.legacy)
             for h in report.hints):
        lines.append("echo 'No container with a legacy size or disk has a name Upsun allows: "
                     "nothing to set.'")
    else:
        lines.append("echo 'No legacy size or disk to carry over.'")
    return "\n".join(lines) + "\n"
