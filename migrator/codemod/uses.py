"""The uses of each receiver, classified: what each one becomes (`Use.replacement`), or why
it stays; the base of the codemod, which decides and rewrites (`transform.py`)."""

from __future__ import annotations

from typing import Any

import libcst as cst
from libcst.codemod import Codemod, SkipFile
from libcst.metadata import ParentNodeProvider, PositionProvider, QualifiedNameProvider

from migrator.codemod import analysis as a
from migrator.codemod.findings import CodeFinding
from migrator.codemod.receivers import Finder

#: where an expression's truth is all that counts: its `test` (an `elif` is an `If`; `CompIf` is
#: a comprehension's `if` clause), a `case` guard, an operand of `and`/`or`/`not`
_BOOLEAN_PARENTS = (cst.If, cst.While, cst.IfExp, cst.BooleanOperation, cst.Assert, cst.CompIf)
_OPERATOR_PARENTS = (cst.UnaryOperation, cst.BooleanOperation, cst.Comparison,
                     cst.BinaryOperation, cst.Attribute, cst.Subscript, cst.Call)


class UseAnalysis(Codemod):
    """Needs `finder` (set once the module's receivers are found), `known_relationships` and
    `findings`, which the codemod sets up."""

    finder: Finder
    known_relationships: set[str] | None
    findings: list[CodeFinding]

    # --- reporting --------------------------------------------------------------------
    def _find(self, node: cst.CSTNode, code: str, message: str, fix: bool,
              severity: str = "info") -> None:
        """A finding; `fix`: this transform rewrites it (the warning says "rewritten", as the
        transformed code does; whether it reaches the disk is the caller's business)."""
        start = self.get_metadata(PositionProvider, node).start
        finding = CodeFinding(self.context.filename or "<module>", start.line, start.column + 1,
                              code, severity, message, fix)
        self.findings.append(finding)
        self.warn(f"{finding.line}:{finding.column}: {code} "
                  f"{'rewritten' if fix else 'reported'}: {message}")

    def _qnames(self, node: cst.CSTNode) -> Any:
        return self.get_metadata(QualifiedNameProvider, node)

    # --- classification of uses ----------------------------------------------------------
    def _parent(self, node: cst.CSTNode | None) -> cst.CSTNode | None:
        if node is None:
            return None
        return self.get_metadata(ParentNodeProvider, node, None)

    def _classify(self, receiver: a.Receiver) -> None:
        for name in receiver.names:
            parent = self._parent(name)
            if len(self.finder.may_reach(name)) > 1:
                use: a.Use | None = a.Use(name, "UPS195", f"`{name.value}` may hold another "
                                          "value here (bound in another branch too)",
                                          blocks=True)
            elif receiver.kind == "config":
                use = self._config_use(name, parent)
            elif receiver.kind == "relationships":
                use = self._relationships_use(name, parent)
            else:
                use = self._credentials_use(receiver, name, parent)
            if use is not None:
                receiver.uses.append(use)

    def _config_use(self, name: cst.Name, parent: Any) -> a.Use | None:
        if not isinstance(parent, cst.Attribute) or parent.value is not name:
            return a.Use(name, "UPS195", f"`{name.value}` is used as a whole (passed or "
                         "stored): only its attributes and methods can be rewritten", blocks=True)
        attr = parent.attr.value
        call = self._parent(parent)
        if isinstance(call, cst.Call) and call.func is parent:
            return self._method_use(name, attr, call)
        if attr in a.ATTRIBUTES:
            variable = a.ATTRIBUTES[attr]
            code = "UPS102" if attr in ("port", "socket") else "UPS101"
            optional = attr in a.OPTIONAL_ATTRIBUTES or self._boolean(parent)
            text = f'os.environ.get("{variable}")' if optional else f'os.environ["{variable}"]'
            return a.Use(parent, code, f"{name.value}.{attr} -> {text}", text)
        return a.Use(parent, "UPS195", f"{name.value}.{attr} has no known environment "
                     "equivalent")

    def _method_use(self, name: cst.Name, attr: str, call: cst.Call) -> a.Use | None:
        if attr in a.CHECKS:
            code, text = a.CHECKS[attr]
            return a.Use(call, code, f"{name.value}.{attr}() -> {text}", self._wrap(text, call))
        if attr == "on_production":
            return a.Use(call, "UPS111", f"{name.value}.on_production() compares the branch "
                         "with `master`, wrong when production is `main`; Upsun's guides test "
                         f"{a.PRODUCTION_CHECK}", self._wrap(a.PRODUCTION_CHECK, call),
                         needs_flag="--fix-production-check")
        if attr in a.DEDICATED:
            return a.Use(call, "UPS112", f"{name.value}.{attr}() reads PLATFORM_MODE, which "
                         "Upsun does not set: always false")
        if attr == "register_formatter":
            self._find(call, "UPS191", "register_formatter(...): custom formatters, file "
                       "skipped", False, "warning")
            raise SkipFile("register_formatter")
        if attr == "formatted_credentials":
            return a.Use(call, "UPS123", f"{name.value}.formatted_credentials(...): build the "
                         "value from the service environment variables by hand")
        if attr == "credentials":
            return self._credentials_call(name, call)
        if attr in a.NO_EQUIVALENT:
            return a.Use(call, "UPS133", f"{name.value}.{attr}(): no direct environment "
                         "equivalent; it still works with platformshconfig")
        return None

    def _credentials_call(self, name: cst.Name, call: cst.Call) -> a.Use | None:
        subscript = self._parent(call)
        if isinstance(subscript, cst.Subscript) and subscript.value is call:
            relationship = self.finder.constant(call.args[0].value) if call.args else None
            index = self.finder.constant(call.args[1].value) if len(call.args) > 1 else 0
            return self._credential(subscript, "UPS121", relationship, index,
                                    a.subscript_key(subscript))
        parent = self._parent(call)
        if isinstance(parent, cst.Assign):
            return None  # a credentials receiver of its own (UPS124)
        if isinstance(parent, cst.Expr):
            return a.Use(call, "UPS121", f"{name.value}.credentials(...) with its result unused: "
                         "it only fails when the relationship is missing; not rewritten")
        return a.Use(call, "UPS121", f"{name.value}.credentials(...) used as a whole: not "
                     "rewritten")

    def _relationships_use(self, name: cst.Name, parent: Any) -> a.Use | None:
        first = parent if isinstance(parent, cst.Subscript) and parent.value is name else None
        second = self._parent(first) if first is not None else None
        third = self._parent(second) if isinstance(second, cst.Subscript) else None
        if isinstance(second, cst.Subscript) and isinstance(third, cst.Assign) and \
                third.value is second and third in self.finder.bindings.values():
            return None  # rels[rel][0] held by a name: a credentials receiver (UPS124)
        if first is None or not isinstance(second, cst.Subscript) or \
                not isinstance(third, cst.Subscript):
            return a.Use(name, "UPS195", f"`{name.value}` is used other than as "
                         f"{name.value}[rel][0][key]", blocks=True)
        return self._credential(third, "UPS122", self.finder.constant(a.subscript_key(first)),
                                self.finder.constant(a.subscript_key(second)),
                                a.subscript_key(third))

    def _credentials_use(self, receiver: a.Receiver, name: cst.Name, parent: Any) -> a.Use:
        if isinstance(parent, cst.Subscript) and parent.value is name:
            return self._credential(parent, "UPS124", receiver.relationship, receiver.index,
                                    a.subscript_key(parent))
        return a.Use(name, "UPS195", f"`{name.value}` (credentials of "
                     f"{receiver.relationship!r}) is used other than as {name.value}[key]",
                     blocks=True)

    def _credential(self, node: cst.CSTNode, code: str, relationship: Any, index: Any,
                    key_node: cst.BaseExpression | None) -> a.Use:
        key = self.finder.constant(key_node)
        if not isinstance(relationship, str):
            return a.Use(node, "UPS192", "relationship name is not a literal", blocks=True)
        if index != 0:
            return a.Use(node, "UPS193", f"endpoint index {index!r} of {relationship!r}: only "
                         "index 0 has service environment variables", blocks=True)
        if not isinstance(key, str) or key not in a.PROPERTIES:
            return a.Use(node, "UPS194", f"key {key!r} of {relationship!r} has no service "
                         "environment variable", blocks=True)
        if self.known_relationships is not None and relationship not in \
                self.known_relationships:
            return a.Use(node, "UPS196", f"relationship {relationship!r} is not in the "
                         "project's configuration", blocks=True)
        variable = f"{a.env_prefix(relationship)}_{a.PROPERTIES[key]}"
        text = f'int(os.environ["{variable}"])' if key == "port" else \
            f'os.environ["{variable}"]'
        return a.Use(node, code, f"{relationship}[{key!r}] -> {text}", text,
                     needs_flag="--service-env-vars")

    def _boolean(self, node: cst.CSTNode) -> bool:
        parent = self._parent(node)
        if isinstance(parent, cst.UnaryOperation):
            return isinstance(parent.operator, cst.Not)
        if isinstance(parent, cst.MatchCase):
            return parent.guard is node
        return isinstance(parent, _BOOLEAN_PARENTS) and getattr(parent, "test", node) is node \
            or isinstance(parent, cst.BooleanOperation)

    def _wrap(self, text: str, node: cst.CSTNode) -> str:
        parent = self._parent(node)
        needs = isinstance(parent, _OPERATOR_PARENTS) and not (
            isinstance(parent, cst.Call) and parent.func is not node)
        return f"({text})" if needs else text
