"""MigrationResult -> the report: one structure, rendered for the terminal (Markdown and JSON follow)."""

from __future__ import annotations

from dataclasses import dataclass

from migrator import resources
from migrator.model import Change, Finding, MigrationResult, Severity


@dataclass(frozen=True)
class Report:
    result: MigrationResult
    changes: tuple[Change, ...]
    findings: tuple[Finding, ...]
    hints: tuple[resources.ResourceHint, ...]
    command: str | None
    steps: tuple[str, ...]
    written: bool


def build(result: MigrationResult, *, written: bool, removed_legacy: bool) -> Report:
    changes = tuple(sorted(result.changes, key=lambda c: (c.location, c.code, c.path)))
    findings = tuple(sorted(result.findings, key=lambda f: (_rank(f.severity), f.location,
                                                            f.code, f.message)))
    hints = tuple(resources.hint_for(s) for s in result.sizings)
    command = resources.command(list(hints))
    return Report(result, changes, findings, hints, command,
                  _steps(result, command, removed_legacy), written)


def _rank(severity: Severity) -> int:
    return {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}[severity]


def _steps(result: MigrationResult, command: str | None, removed_legacy: bool) -> tuple[str, ...]:
    steps = []
    if not removed_legacy:
        legacy = ", ".join(result.legacy_files)
        steps.append(f"Remove the legacy files before deploying ({legacy}): Upsun refuses a "
                     "repository that holds both formats.")
    if command:
        steps.append(f"After the first push, run `{command}` (or push with "
                     "`--resources-init=manual` and set resources first).")
    else:
        steps.append("After the first push, review the resources Upsun gave each container "
                     "(`upsun resources:set`).")
    if any(f.severity is not Severity.INFO for f in result.findings):
        steps.append("Review each warning above.")
    return tuple(steps)


def counts(report: Report) -> dict[str, int]:
    findings = report.findings
    return {
        "applications": len(report.result.apps),
        "services": len(report.result.services),
        "changes": len(report.changes),
        "errors": sum(f.severity is Severity.ERROR for f in findings),
        "warnings": sum(f.severity is Severity.WARNING for f in findings),
        "infos": sum(f.severity is Severity.INFO for f in findings),
    }


def terminal(report: Report, color: bool = False) -> str:
    def paint(text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if color else text

    c = counts(report)
    verb = "Migrated" if report.written else "Would migrate"
    lines = [paint(f"{verb}: {c['applications']} application(s), {c['services']} service(s); "
                   f"{c['changes']} change(s), {c['errors']} error(s), {c['warnings']} "
                   f"warning(s)", "1")]
    if report.changes:
        lines += ["", paint("Changes", "1")]
        lines += [f"  {ch.code}  {ch.location}  {ch.path}: {ch.before} -> {ch.after}"
                  for ch in report.changes]
    if report.findings:
        lines += ["", paint("Findings", "1")]
        for finding in report.findings:
            label = finding.severity.value
            tone = {"error": "31", "warning": "33", "info": "36"}[label]
            lines.append(f"  {paint(label, tone)}  {finding.code}  {finding.location}  "
                         f"{finding.message}")
    if report.hints:
        lines += ["", paint("Resources", "1")]
        for hint in report.hints:
            lines.append(f"  {hint.container}: {resources.comment_line(hint)}")
        if report.command:
            lines.append(f"  {report.command}")
    lines += ["", paint("Next steps", "1")]
    lines += [f"  {n}. {step}" for n, step in enumerate(report.steps, 1)]
    return "\n".join(lines) + "\n"
