"""The rewrite the analysis decided, made in one walk of the tree: expressions replaced,
statements removed (the comments around them kept, `removal.py`), `import os` added."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import libcst as cst

from migrator.codemod.imports import with_os
from migrator.codemod.removal import drop_from_block, drop_from_module


class Rewrite(cst.CSTTransformer):
    """`replacements` and `removals` are keyed by the nodes of the tree it walks."""

    def __init__(self, replacements: Mapping[cst.CSTNode, cst.CSTNode],
                 removals: Collection[cst.CSTNode], add_os: bool) -> None:
        super().__init__()
        self.replacements = replacements
        self.removals = removals
        self.add_os = add_os
        # the updated statements to drop, held (not their id()s: a freed node's id is reused)
        self.doomed: set[cst.CSTNode] = set()

    def on_leave(self, original_node: Any, updated_node: Any) -> Any:
        if original_node in self.replacements:
            return self.replacements[original_node]
        if isinstance(original_node, cst.SimpleStatementLine) and any(
                s in self.removals for s in original_node.body):
            kept = [new for old, new in zip(original_node.body, updated_node.body, strict=True)
                    if old not in self.removals]
            if kept:  # `a = 1; config = Config()`: only the removed statement goes
                kept[-1] = kept[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
                return updated_node.with_changes(body=kept)
            self.doomed.add(updated_node)  # dropped by its block, which keeps its comments
        return super().on_leave(original_node, updated_node)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock,
                            updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        return drop_from_block(updated_node, self.doomed)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        updated_node = drop_from_module(updated_node, self.doomed)
        return with_os(updated_node) if self.add_os else updated_node
