"""`import os` for the rewrites, placed with the module's other imports: among the plain
`import x` lines in name order, else before the `from x import y` lines, else after the
docstring and `__future__` imports."""

from __future__ import annotations

from typing import Any

import libcst as cst

IMPORT_OS = "import os\n"


def _imports(statement: Any) -> list[cst.BaseSmallStatement]:
    if not isinstance(statement, cst.SimpleStatementLine):
        return []
    body = list(statement.body)
    return body if all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in body) else []


def _is_future(statement: Any) -> bool:
    return any(isinstance(s, cst.ImportFrom) and isinstance(s.module, cst.Name)
               and s.module.value == "__future__" for s in _imports(statement))


def _plain_name(statement: Any) -> str | None:
    found = _imports(statement)
    if len(found) != 1 or not isinstance(found[0], cst.Import):
        return None
    return cst.Module([]).code_for_node(found[0].names[0].name)


def _start(module: cst.Module) -> int:
    body = module.body
    start = 1 if body and module.code_for_node(body[0]).lstrip().startswith(('"', "'")) \
        and isinstance(body[0], cst.SimpleStatementLine) \
        and isinstance(body[0].body[0], cst.Expr) else 0
    while start < len(body) and _is_future(body[start]):
        start += 1
    return start


def with_os(module: cst.Module) -> cst.Module:
    body = list(module.body)
    start = _start(module)
    end = start
    while end < len(body) and _imports(body[end]):
        end += 1
    names = {i: _plain_name(body[i]) for i in range(start, end)}
    plain = {i: name for i, name in names.items() if name is not None}
    after = [i for i, name in plain.items() if name < "os"]
    new = cst.parse_statement(IMPORT_OS)
    if after:
        body.insert(after[-1] + 1, new)
    else:
        at = min(plain, default=start)
        if at < end:  # before an import: take its place, lines above included
            new = new.with_changes(leading_lines=body[at].leading_lines)
            body[at] = body[at].with_changes(leading_lines=[])
        else:  # no imports: after the docstring, apart from the code
            new = new.with_changes(leading_lines=[cst.EmptyLine()] if at else [])
            if at < len(body) and not _starts_blank(body[at]):
                body[at] = body[at].with_changes(
                    leading_lines=[cst.EmptyLine(), *body[at].leading_lines])
        body.insert(at, new)
    return module.with_changes(body=body)


def _starts_blank(statement: Any) -> bool:
    lines: list[cst.EmptyLine] = list(getattr(statement, "leading_lines", ()))
    return bool(lines) and lines[0].comment is None
