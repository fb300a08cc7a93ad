"""What the codemod found in a Python file: a stable code (docs/codemod.md lists them), the place,
and what became of it: only reported, rewritable (`--diff`, check mode), or rewritten on disk."""

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
    fix: bool = False  # the codemod computed a rewrite for it
    written: bool = False  # ... and `--write` put that rewrite on disk

    @property
    def rewritten(self) -> bool:
        """True only once the rewrite is on disk (check and diff modes write nothing)."""
        return self.written

    @property
    def state(self) -> str:
        if self.written:
            return "rewritten"
        return "would rewrite" if self.fix else "reported"

    def __str__(self) -> str:
        return (f"{self.file}:{self.line}:{self.column}: {self.code} {self.severity} "
                f"[{self.state}] {self.message}")

