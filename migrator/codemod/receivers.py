"""Receivers: the names that hold Platform.sh settings, found by what is assigned to them (by
qualified name, never by variable name) and followed through simple assignments:

- `config = Config()`;
- decoded relationships: `json.loads(base64.b64decode(X))` (with or without `.decode()`) or a
  module helper that decodes, where X reads `PLATFORM_RELATIONSHIPS` itself or is a name last
  bound, in source order, to such a read (`rels = os.getenv(...)` then `rels = json.loads(...)`);
- credentials: `config.credentials(rel)` or `rels[rel][0]`, with `rel` a literal or a module
  constant bound once.

`followed` collects the statements through which reads of `PLATFORM_RELATIONSHIPS` were
followed; the codemod reports every other read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import Assignment, GlobalScope, Scope

from migrator.codemod import analysis as a
from migrator.codemod.inventory import Inventory

RELATIONSHIPS = "PLATFORM_RELATIONSHIPS"


@dataclass(frozen=True)
class Lookup:
    """The metadata the finder needs, from the codemod that owns it."""

    scope: Callable[[cst.CSTNode], Scope | None]
    position: Callable[[cst.CSTNode], tuple[int, int, int, int]]
    qnames: Callable[[cst.CSTNode], set[str]]
    parent: Callable[[cst.CSTNode], cst.CSTNode | None]
    is_config: Callable[[cst.BaseExpression], bool]


class Finder:
    def __init__(self, module: cst.Module, inventory: Inventory, lookup: Lookup) -> None:
        self.lookup = lookup
        self.bindings: dict[cst.Name, cst.Assign] = {}
        for assign in inventory.assignments:
            assert isinstance(assign.targets[0].target, cst.Name)
            self.bindings[assign.targets[0].target] = assign
        self.helpers = self._helpers(module, inventory.calls)
        self.followed: list[cst.CSTNode] = []

    def _helpers(self, module: cst.Module, calls: list[cst.Call]) -> set[str]:
        """The module's functions that decode: a call `json.loads(base64.b64decode(X))`
        anywhere in their body."""
        helpers = set()
        for call in calls:
            if self.decoded_argument(call) is None:
                continue
            statement: cst.CSTNode | None = call
            while statement is not None and self.lookup.parent(statement) is not module:
                statement = self.lookup.parent(statement)
            if isinstance(statement, cst.FunctionDef):
                helpers.add(statement.name.value)
        return helpers

    def find(self) -> list[a.Receiver]:
        found: list[a.Receiver] = []
        for kind in ("config", "relationships", "credentials"):
            for target, assign in self.bindings.items():
                receiver = self._receiver(kind, target, assign.value, found)
                if receiver is not None:
                    receiver.names = self.references(target)
                    found.append(receiver)
        return found

    def _receiver(self, kind: str, target: cst.Name, value: cst.BaseExpression,
                  found: list[a.Receiver]) -> a.Receiver | None:
        statement = self.bindings[target]
        if kind == "config":
            return a.Receiver(kind, target.value, statement) \
                if self.lookup.is_config(value) else None
        if kind == "relationships":
            if not self.decodes_relationships(value):
                return None
            self.followed.append(statement)
            return a.Receiver(kind, target.value, statement)
        credentials = self.credentials_of(value, found)
        if credentials is None:
            return None
        relationship, index = credentials
        return a.Receiver("credentials", target.value, statement,
                          relationship if isinstance(relationship, str) else None,
                          index=index)

    # --- following values ---------------------------------------------------------------
    def reaching(self, name: cst.Name) -> cst.Name | None:
        """The target of the one simple assignment whose value `name` reads, else None."""
        found = self.may_reach(name)
        target = found[0] if len(found) == 1 else None
        return target if isinstance(target, cst.Name) and target in self.bindings else None

    def may_reach(self, name: cst.Name) -> list[cst.CSTNode]:
        """The bindings `name` may read: the only one; else, going back in source order, each
        one until one in a block that holds `name` (it runs before `name`, whatever the
        branches; `rels = f(rels)` does not count for its own `rels`)."""
        scope = self.lookup.scope(name)
        if scope is None:
            return []
        referents = [r for access in scope.accesses[name] for r in access.referents]
        if len(referents) == 1:
            return [referents[0].node] if isinstance(referents[0], Assignment) else []
        here = self.lookup.position(name)
        before = sorted((r.node for r in referents if isinstance(r, Assignment)
                         and self.lookup.position(r.node) < here
                         and not self._holds(r.node, name)), key=self.lookup.position)
        found: list[cst.CSTNode] = []
        for binding in reversed(before):
            found.append(binding)
            if self.contains(self._block(binding), name):
                break
        return found

    def _block(self, node: cst.CSTNode) -> cst.CSTNode:
        parent = self.lookup.parent(node)
        while parent is not None and not isinstance(parent, (cst.IndentedBlock, cst.Module)):
            parent = self.lookup.parent(parent)
        return parent if parent is not None else node

    def _holds(self, target: cst.CSTNode, name: cst.Name) -> bool:
        """`rels = f(rels)`: the statement binding `target` reads `name` itself."""
        statement = self.bindings.get(target) if isinstance(target, cst.Name) else None
        return statement is not None and self.contains(statement, name)

    def references(self, target: cst.Name) -> list[cst.Name]:
        """The reads of what `target` was bound to, in source order."""
        scope = self.lookup.scope(target)
        if scope is None:
            return []
        names = [access.node for assignment in scope.assignments[target.value]
                 if isinstance(assignment, Assignment) and assignment.node is target
                 for access in assignment.references if isinstance(access.node, cst.Name)]
        return sorted((n for n in names if target in self.may_reach(n)),
                      key=self.lookup.position)

    def constant(self, node: cst.CSTNode | None) -> str | int | None:
        """A literal, or a name bound once, at module level, to a literal."""
        if not isinstance(node, cst.Name):
            return a.literal(node)
        scope = self.lookup.scope(node)
        if scope is None:
            return None
        referents = [r for access in scope.accesses[node] for r in access.referents]
        if len(referents) != 1 or not isinstance(referents[0], Assignment) \
                or not isinstance(referents[0].scope, GlobalScope):
            return None
        target = referents[0].node
        assign = self.bindings.get(target) if isinstance(target, cst.Name) else None
        return a.literal(assign.value) if assign is not None else None

    def contains(self, outer: cst.CSTNode, node: cst.CSTNode) -> bool:
        o, n = self.lookup.position(outer), self.lookup.position(node)
        return o[:2] <= n[:2] and n[2:] <= o[2:]

    # --- what a value is ------------------------------------------------------------------
    def decoded_argument(self, call: cst.Call) -> cst.BaseExpression | None:
        """X of json.loads(base64.b64decode(X)) (with or without .decode())."""
        if "json.loads" not in self.lookup.qnames(call.func) or not call.args:
            return None
        inner = call.args[0].value
        if isinstance(inner, cst.Call) and isinstance(inner.func, cst.Attribute) \
                and inner.func.attr.value == "decode":
            inner = inner.func.value
        if isinstance(inner, cst.Call) and inner.args and \
                "base64.b64decode" in self.lookup.qnames(inner.func):
            return inner.args[0].value
        return None

    def decodes_relationships(self, value: cst.BaseExpression) -> bool:
        if not isinstance(value, cst.Call):
            return False
        if isinstance(value.func, cst.Name) and value.func.value in self.helpers:
            return bool(value.args) and self._reads_relationships(value.args[0].value)
        argument = self.decoded_argument(value)
        return argument is not None and self._reads_relationships(argument)

    def _reads_relationships(self, value: cst.BaseExpression) -> bool:
        if a.mentions(value, RELATIONSHIPS):
            return True
        target = self.reaching(value) if isinstance(value, cst.Name) else None
        source = self.bindings.get(target) if target is not None else None
        if source is None or not a.mentions(source.value, RELATIONSHIPS):
            return False
        self.followed.append(source)
        return True

    def credentials_of(self, value: cst.BaseExpression, found: list[a.Receiver]
                       ) -> tuple[str | int | None, str | int | None] | None:
        """(relationship, index) of `config.credentials(rel[, i])` or `rels[rel][i]`."""
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) \
                and value.func.attr.value == "credentials" and value.args:
            configs = {n for r in found if r.kind == "config" for n in r.names}
            if value.func.value not in configs:
                return None
            index = self.constant(value.args[1].value) if len(value.args) > 1 else 0
            return self.constant(value.args[0].value), index
        if isinstance(value, cst.Subscript) and isinstance(value.value, cst.Subscript) \
                and isinstance(value.value.value, cst.Name):
            decoded = {r.statement for r in found if r.kind == "relationships"}
            target = self.reaching(value.value.value)
            if target is None or self.bindings[target] not in decoded:
                return None
            return (self.constant(a.subscript_key(value.value)),
                    self.constant(a.subscript_key(value)))
        return None
