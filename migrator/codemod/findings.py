"""What the codemod found in a Python file: stable codes, place, and whether it was rewritten."""

from __future__ import annotations

from dataclasses import dataclass

#: code -> what it is about (docs/codemod.md has a before/after for each)
CODES: dict[str, str] = {
    "UPS101": "platformshconfig attribute read from the environment",
    "UPS102": "port and socket read from PORT and SOCKET",
    "UPS106": "is_valid_platform() as an environment check",
    "UPS107": "in_build() as an environment check",
    "UPS108": "in_runtime() as an environment check",
    "UPS111": "on_production() compares the branch with master",
    "UPS112": "Dedicated-only check, always false on Upsun",
    "UPS121": "credentials(...)[key] as a service environment variable",
    "UPS122": "decoded PLATFORM_RELATIONSHIPS[rel][0][key] as a service environment variable",
    "UPS123": "formatted_credentials(...)",
    "UPS124": "a credentials dictionary held in a variable",
    "UPS133": "routes, variables: no direct environment equivalent",
    "UPS141": "platformshconfig import or dependency",
    "UPS161": "Platform.sh CLI token or command",
    "UPS191": "file skipped: custom Config or register_formatter",
    "UPS192": "relationship name not a literal",
    "UPS193": "relationship endpoint index other than 0",
    "UPS194": "credential key without a service variable (query, instance_ips, unknown)",
    "UPS195": "receiver used in a way that cannot be rewritten",
    "UPS196": "relationship not in the project's configuration",
    "UPS199": "file could not be parsed",
}


@dataclass(frozen=True, order=True)
class CodeFinding:
    file: str
    line: int
    column: int
    code: str
    severity: str  # "info", "warning"
    message: str
    rewritten: bool = False

    def __str__(self) -> str:
        state = "rewritten" if self.rewritten else "reported"
        return (f"{self.file}:{self.line}:{self.column}: {self.code} {self.severity} "
                f"[{state}] {self.message}")
