"""One walk of a module that collects, in source order, every node the analysis looks at, so
that no step of it walks the whole tree again (the metadata has its own walks, the rewrite its
own, and only when there is something to rewrite)."""

from __future__ import annotations

import libcst as cst


class Inventory(cst.CSTVisitor):
    """The nodes of one module by kind, in source order (the order `libcst.matchers.findall`
    gives)."""

    def __init__(self) -> None:
        super().__init__()
        self.assignments: list[cst.Assign] = []  # `name = value`: one target, a simple name
        self.deletions: list[cst.Del] = []
        self.calls: list[cst.Call] = []
        self.strings: list[cst.SimpleString] = []
        self.imports: list[cst.Import | cst.ImportFrom] = []
        self.fstrings: list[cst.FormattedString] = []

    @classmethod
    def of(cls, module: cst.Module) -> Inventory:
        inventory = cls()
        module.visit(inventory)
        return inventory

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self.assignments.append(node)

    def visit_Del(self, node: cst.Del) -> None:
        self.deletions.append(node)

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.strings.append(node)

    def visit_Import(self, node: cst.Import) -> None:
        self.imports.append(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.imports.append(node)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self.fstrings.append(node)
