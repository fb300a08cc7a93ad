"""What the codemod found in a Python file: a stable code (docs/codemod.md lists them), the place,
and whether it was rewritten."""

from __future__ import annotations

from dataclasses import dataclass

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
