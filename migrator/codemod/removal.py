"""Dropping whole statements from a block while keeping what was written around them: blank
lines, the comments above a dropped statement and its trailing comment move to the next
statement (or to the block's footer when nothing follows)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import libcst as cst


def own_lines(statement: Any) -> list[cst.EmptyLine]:
    """The lines a dropped statement leaves behind: those above it, and its trailing comment."""
    lines = list(getattr(statement, "leading_lines", ()))
    trailing = getattr(statement, "trailing_whitespace", None)
    if isinstance(trailing, cst.TrailingWhitespace) and trailing.comment is not None:
        lines.append(cst.EmptyLine(comment=trailing.comment))
    return lines


def merge(carried: list[cst.EmptyLine], leading: Sequence[cst.EmptyLine]
          ) -> list[cst.EmptyLine]:
    """Carried comments stay (one blank line where both sides have one); without comments the
    carried blank lines only fill a gap."""
    if any(line.comment is not None for line in carried):
        rest = list(leading)
        while carried[-1].comment is None and rest and rest[0].comment is None:
            rest.pop(0)
        return [*carried, *rest]
    return list(leading) or carried


def drop(body: Sequence[Any], doomed: Collection[cst.CSTNode]
         ) -> tuple[list[Any], list[cst.EmptyLine]]:
    """The statements of `body` not in `doomed`, and the lines left over at its end."""
    kept: list[Any] = []
    carried: list[cst.EmptyLine] = []
    for statement in body:
        if statement in doomed:
            carried = merge(carried, own_lines(statement)) if carried else own_lines(statement)
            continue
        if carried and hasattr(statement, "leading_lines"):
            statement = statement.with_changes(
                leading_lines=merge(carried, statement.leading_lines))
        carried = []
        kept.append(statement)
    return kept, [line for line in carried if line.comment is not None]


def drop_from_block(block: cst.IndentedBlock, doomed: Collection[cst.CSTNode]
                    ) -> cst.IndentedBlock:
    body, left = drop(block.body, doomed)
    if len(body) == len(block.body):
        return block
    if not body:
        return block.with_changes(body=[cst.SimpleStatementLine([cst.Pass()], leading_lines=left)])
    return block.with_changes(body=body, footer=[*left, *block.footer])


def drop_from_module(module: cst.Module, doomed: Collection[cst.CSTNode]) -> cst.Module:
    body, left = drop(module.body, doomed)
    if len(body) == len(module.body):
        return module
    return module.with_changes(body=body, footer=[*left, *module.footer])
