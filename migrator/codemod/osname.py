"""Does `os` name the os module where a rewrite would put `os.environ`? Only when every binding
of `os` visible there (libcst scopes: a parameter, a local, a comprehension or loop variable,
`except ... as os`, `with ... as os`, `import x as os`, a later module-level rebinding...) is an
`import os`; and no `del os` anywhere. Otherwise the read is reported, not rewritten."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeGuard

import libcst as cst
import libcst.matchers as m
from libcst.metadata import Assignment, BaseAssignment, Scope

#: the name the rewrites use
OS = "os"


def imports_os(binding: BaseAssignment) -> TypeGuard[Assignment]:
    """`import os` or `import os.path` (both bind `os` to the module), not `import x as os`."""
    return isinstance(binding, Assignment) and isinstance(binding.node, cst.Import) and any(
        alias.asname is None and alias.evaluated_name.split(".")[0] == OS
        for alias in binding.node.names)


def deletes_os(deletions: Iterable[cst.Del]) -> bool:
    """A `del os` among the module's `del` statements (libcst's scopes do not record
    deletions)."""
    return any(m.findall(d.target, m.Name(OS)) for d in deletions)


def other_binding(scope: Scope | None, line: Callable[[cst.CSTNode], int]) -> int | None:
    """The line of the first binding of `os` visible in `scope` that is not `import os`."""
    if scope is None:
        return None
    lines = [line(b.node) for b in scope[OS] if not imports_os(b) and isinstance(b, Assignment)]
    return min(lines, default=None)
