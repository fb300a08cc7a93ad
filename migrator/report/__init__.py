"""MigrationResult -> Report: the one structure behind the terminal, Markdown and JSON reports.

Ordering is stable (by file, line, code) so reports diff and snapshot well. Paths are relative
to the repository.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from migrator import __version__, facts
from migrator.escape import dumps
from migrator.model import (
    Change,
    FileAction,
    Finding,
    MigrationResult,
    ResourceHint,
    Severity,
)
from migrator.rules.codes import title
from migrator.upsun import resources

REPORT_VERSION = 1


class Report(NamedTuple):
    result: MigrationResult
    written: bool
    changes: tuple[Change, ...]
    findings: tuple[Finding, ...]
    hints: tuple[ResourceHint, ...]
    command: str | None
    steps: tuple[str, ...]
    code: tuple[Any, ...] = ()  # CodeFinding, when `migrate --code` ran the codemod
    environment: str | None = None  # the `-e` of the command (None: a placeholder to fill in)

    def count(self, severity: Severity) -> int:
        return sum(f.severity is severity for f in self.findings)

    @property
    def summary(self) -> dict[str, int]:
        result = self.result
        return {
            "applications": len(result.apps),
            "workers": len(result.workers),
            "services": len(result.services),
            "routes": result.routes,
            "changes": len(self.changes),
            "errors": self.count(Severity.ERROR),
            "warnings": self.count(Severity.WARNING),
            "infos": self.count(Severity.INFO),
        }


def build(result: MigrationResult, *, written: bool, removed_legacy: bool,
          environment: str | None = None) -> Report:
    changes = tuple(sorted(result.changes, key=lambda c: (c.location, c.code, c.path)))
    findings = tuple(sorted(result.findings, key=lambda f: (_rank(f.severity), f.location,
                                                            f.code, f.message)))
    command = resources.command(list(result.hints), environment)
    return Report(result, written, changes, findings, result.hints, command,
                  _steps(result, command, environment, removed_legacy, findings),
                  environment=environment)


def _rank(severity: Severity) -> int:
    return {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}[severity]


#: What to know before running the command (Upsun docs manage-resources/resource-init.md; the
#: Upsun CLI's resources:set, see migrator.facts).
RESOURCE_INIT = (
    f"Until then Upsun gives every container its default resources ({facts.DEFAULT_CPU:g} CPU; "
    f"a {facts.DEFAULT_DISK} MB disk where one is needed); resources cannot be set before the "
    "first push. With `upsun push --resources-init=manual` the first deployment fails until "
    "resources are set; the command sets only the containers it names, and `upsun "
    "resources:set` asks for the others (without a terminal, it refuses).")


def _steps(result: MigrationResult, command: str | None, environment: str | None,
           removed_legacy: bool, findings: tuple[Finding, ...]) -> tuple[str, ...]:
    steps = []
    if not removed_legacy:
        steps.append(f"Remove the legacy files before deploying ({', '.join(result.legacy_files)}"
                     "): Upsun refuses a repository that holds both formats.")
    if command:
        fill = "" if environment else (f" (replace `{resources.PLACEHOLDER}` with its name, or "
                                       "migrate with `--environment NAME`)")
        steps.append("Platform.sh applied the legacy sizes to production only: after the first "
                     f"push, set them on your production environment{fill}: `{command}`. "
                     + RESOURCE_INIT)
    else:
        steps.append("After the first push, check the resources Upsun gave each container "
                     "(`upsun resources`).")
    steps += _data_steps(result, environment)
    attention = sum(f.severity is not Severity.INFO for f in findings)
    if attention:
        steps.append(f"Review the {attention} warning(s) and error(s) above.")
    return tuple(steps)


def _data_steps(result: MigrationResult, environment: str | None) -> list[str]:
    """What the guide says of the data, then one step per database, service and mount."""
    if not result.data:
        return []
    intro = ("Move the data: Upsun Flex is a new project, and Upsun's migration guide exports "
             "the databases and files from the Platform.sh project first, then imports them "
             "into the new project once it has an environment (after the first push). Replace "
             f"`{facts.PLATFORMSH_PROJECT}`"
             + (f" and `{facts.UPSUN_PROJECT}`" if environment else
                f", `{facts.UPSUN_PROJECT}` and `{facts.ENVIRONMENT}`")
             + " in the commands below.")
    return [intro] + [move.step() for move in result.data]


def to_json(report: Report) -> str:
    """The machine-readable report; its shape is documented in docs/report.schema.json."""
    return dumps(as_dict(report), indent=2) + "\n"


def as_dict(report: Report) -> dict[str, Any]:
    return {
        "version": REPORT_VERSION,
        "tool": {"name": "upsun-migrator", "version": __version__},
        "written": report.written,
        "summary": report.summary,
        "validation": list(report.result.validation),
        "files": [{"path": p.path, "action": p.action.value} for p in report.result.files],
        "changes": [{"code": c.code, "rule": title(c.code), "file": c.location.file,
                     "line": c.location.line, "path": c.path, "before": c.before,
                     "after": c.after} for c in report.changes],
        "findings": [finding_dict(f) for f in report.findings],
        "resources": {
            "environment": report.environment,
            "containers": [_hint_dict(h) for h in report.hints],
            "command": report.command,
        },
        "steps": list(report.steps),
        "code": [code_dict(f) for f in report.code],
    }


def document(version: int, **fields: Any) -> str:
    """A JSON document as every command prints one (`--output-format json`, `--json`, `migrate
    --check`, `validate`, `codemod`, an error): its version first, then its fields; indented,
    ending with a newline."""
    return dumps({"version": version, **fields}, indent=2) + "\n"


def finding_dict(finding: Finding, file: str | None = None) -> dict[str, Any]:
    """A finding as every JSON document gives it; `file` as the caller shows it."""
    return {"code": finding.code, "severity": finding.severity.value,
            "file": finding.location.file if file is None else file,
            "line": finding.location.line, "message": finding.message}


def code_dict(finding: Any) -> dict[str, Any]:
    """A codemod finding (`migrator.codemod.findings.CodeFinding`) in every JSON document."""
    return {"code": finding.code, "severity": finding.severity, "file": finding.file,
            "line": finding.line, "column": finding.column, "message": finding.message,
            "rewritten": finding.rewritten}


def _hint_dict(hint: ResourceHint) -> dict[str, Any]:
    legacy = hint.legacy
    return {
        "container": hint.container,
        "kind": hint.kind.value,
        "file": legacy.location.file,
        "line": legacy.location.line,
        "legacy": {"size": legacy.size, "size_inherited": legacy.size_inherited,
                   "disk": legacy.disk, "base_memory": legacy.base_memory,
                   "memory_ratio": legacy.memory_ratio,
                   "resources_inherited": legacy.resources_inherited,
                   "from_web": list(legacy.from_web),
                   "cpu": hint.had.cpu if hint.had else None,
                   "ram_mb": hint.had.ram if hint.had else None},
        "profile": hint.profile,
        "default_profile": hint.default_profile,
        "container_profile": hint.new_profile,
        "cpu": hint.cpu,
        "ram_mb": hint.ram,
        "disk_mb": hint.disk,
        "notes": list(hint.notes),
        "warnings": list(hint.warnings),
    }


def planned(report: Report) -> list[tuple[str, str]]:
    """What happens to each file, as (verb, path relative to the repository)."""
    verbs = {FileAction.CREATE: "create", FileAction.MODIFY: "update", FileAction.DELETE: "remove"}
    return [(verbs[p.action], p.path) for p in report.result.files]
