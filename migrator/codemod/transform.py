"""The libcst codemod: reads of Platform.sh settings -> Upsun's environment, report first.

Analysis runs over the whole module before anything changes (`_analyse`), so every use of a
receiver is known; credential rewrites are all-or-nothing per receiver. Receivers are found in
`receivers.py`, their uses classified in `uses.py`; here: what is rewritten, made by `rewrite.py`.

One module, one set of metadata: the nodes the analysis looks at are collected in one walk
(`inventory.py`), and the tree is walked to rewrite only when there is something to rewrite.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from typing import Any

import libcst as cst
import libcst.matchers as m
from libcst.codemod import CodemodContext, SkipFile
from libcst.metadata import (
    Assignment,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    ScopeProvider,
)

from migrator.codemod import analysis as a
from migrator.codemod.compat import quote_of, requote
from migrator.codemod.findings import CodeFinding
from migrator.codemod.inventory import Inventory
from migrator.codemod.osname import deletes_os, imports_os, other_binding
from migrator.codemod.receivers import RELATIONSHIPS, Finder, Lookup
from migrator.codemod.rewrite import Rewrite
from migrator.codemod.uses import UseAnalysis

CLI_CALLS = frozenset({"subprocess.run", "subprocess.call", "subprocess.check_call",
                       "subprocess.check_output", "subprocess.Popen", "os.system"})
ENV_READS = frozenset({"os.environ.get", "os.getenv"})


class PlatformConfigCodemod(UseAnalysis):
    """Replaces platformshconfig and PLATFORM_RELATIONSHIPS reads with Upsun's environment."""

    METADATA_DEPENDENCIES = (ParentNodeProvider, PositionProvider, QualifiedNameProvider,
                             ScopeProvider)

    def __init__(self, context: CodemodContext, service_env_vars: bool = False,
                 fix_production_check: bool = False,
                 relationships: Collection[str] | None = None,
                 rewrites: Callable[[str], bool] = lambda code: True) -> None:
        super().__init__(context)
        self.rewrites = rewrites  # which codes to rewrite (`--select`/`--ignore`)
        self.flags = {"--service-env-vars": service_env_vars,
                      "--fix-production-check": fix_production_check}
        self.known_relationships = set(relationships) if relationships is not None else None
        self.findings: list[CodeFinding] = []
        self.replacements: dict[cst.CSTNode, cst.BaseExpression] = {}
        self.removals: set[cst.CSTNode] = set()
        self.imports: list[cst.CSTNode] = []  # platformshconfig imports removed
        self.needs_os = False
        self.os_line: int | None = None  # of the first `import os` run unconditionally
        self.os_deleted = False
        self.rewrite_lines: list[int] = []  # where os.environ goes
        self.inventory = Inventory()  # the module's, once the transform runs

    # --- running ------------------------------------------------------------------------
    def transform_parsed(self, module: cst.Module) -> cst.Module:
        """`transform_module` for a module the caller has just parsed and shares with nothing:
        the metadata is computed once, on that tree (libcst's `transform_module` copies the
        tree first, in case its nodes are shared)."""
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        self.context = replace(self.context, wrapper=wrapper)
        with self.resolve(wrapper):
            return self.transform_module_impl(wrapper.module)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        """The analysis, then the rewrite: a walk of the tree only when it changes something."""
        self.inventory = Inventory.of(tree)
        self._analyse(tree)
        for string in self.inventory.strings:
            self._string(string)
        for call in self.inventory.calls:
            self._call(call)
        if not self.replacements and not self.removals:
            return tree
        add_os = self.needs_os and (self.os_line is None or self.os_line > min(self.rewrite_lines))
        rewritten = tree.visit(Rewrite(self.replacements, self.removals, add_os))
        for node in self.imports:
            self._find(node, "UPS141", "platformshconfig import no longer used: removed", True)
        return rewritten

    # --- analysis -----------------------------------------------------------------------
    def _analyse(self, node: cst.Module) -> None:
        scope = self.get_metadata(ScopeProvider, node)
        self.os_line = min((self._line(b.node) for b in (scope["os"] if scope else ())
                            if imports_os(b) and self._parent(self._parent(b.node)) is node),
                           default=None)  # `import os` in the module's own body
        self.os_deleted = deletes_os(self.inventory.deletions)
        receivers = self._receivers(node)
        for receiver in receivers:
            self._classify(receiver)
        for receiver in receivers:
            self._decide(receiver)
            if receiver.kind == "credentials" and not receiver.names:
                self._find(receiver.statement, "UPS124", f"`{receiver.name}` (credentials of "
                           f"{receiver.relationship!r}) is never used: not rewritten", False)
        for kind in ("credentials", "relationships", "config"):  # users before what they use
            for receiver in (r for r in receivers if r.kind == kind):
                if receiver.names and all(self._is_removed(n) for n in receiver.names):
                    self.removals.add(receiver.statement)
        self._report_unfollowed(receivers)
        configs = [r for r in receivers if r.kind == "config"]
        if configs and all(c.statement in self.removals for c in configs) \
                and self.rewrites("UPS141"):
            self._drop_imports()

    def _drop_imports(self) -> None:
        """platformshconfig imports used only by what the rewrite removes go too (as
        statements, so the comments above them stay)."""
        for node in self.inventory.imports:
            if _of_library(node) and not self._still_used(node):
                self.removals.add(node)
                self.imports.append(node)

    def _still_used(self, node: cst.Import | cst.ImportFrom) -> bool:
        scope = self.get_metadata(ScopeProvider, node, None)
        if scope is None or isinstance(node.names, cst.ImportStar):
            return True
        for alias in node.names:
            bound = alias.evaluated_alias or alias.evaluated_name.split(".")[0]
            for assignment in scope.assignments[bound]:
                if isinstance(assignment, Assignment) and assignment.node is node and any(
                        not self._is_removed(access.node) for access in assignment.references):
                    return True
        return False

    def _is_removed(self, node: cst.CSTNode) -> bool:
        return _inside(node, self.replacements) or any(_inside_node(node, statement)
                                                        for statement in self.removals)

    def _report_unfollowed(self, receivers: list[a.Receiver]) -> None:
        """Reads the finder could not follow: never passed over without a finding."""
        held = {r.statement.value for r in receivers if r.kind == "config"
                and isinstance(r.statement, cst.Assign)}
        for call in self.inventory.calls:
            if call not in held and a.CONFIG in a.qualified(self._qnames, call.func):
                self._find(call, "UPS195", "platformshconfig.Config() not held by a simple "
                           "name (`config = Config()`): its uses are not followed", False,
                           "warning")
        for string in self.inventory.strings:
            if a.literal(string) == RELATIONSHIPS and not any(
                    self.finder.contains(f, string) for f in self.finder.followed):
                self._find(string, "UPS197", "PLATFORM_RELATIONSHIPS read here is not followed "
                           "to a decoded value: check its uses by hand (Upsun still sets it)",
                           False, "warning")

    def _receivers(self, module: cst.Module) -> list[a.Receiver]:
        self.finder = Finder(module, self.inventory, Lookup(
            scope=lambda node: self.get_metadata(ScopeProvider, node, None),
            position=self._span, qnames=lambda node: a.qualified(self._qnames, node),
            parent=self._parent, is_config=self._is_config))
        return self.finder.find()

    def _line(self, node: cst.CSTNode) -> int:
        return int(self.get_metadata(PositionProvider, node).start.line)

    def _span(self, node: cst.CSTNode) -> tuple[int, int, int, int]:
        where = self.get_metadata(PositionProvider, node)
        return where.start.line, where.start.column, where.end.line, where.end.column

    def _is_config(self, value: cst.BaseExpression) -> bool:
        if not isinstance(value, cst.Call):
            return False
        if a.CONFIG not in a.qualified(self._qnames, value.func):
            return False
        if value.args:
            self._find(value, "UPS191", "Config(...) with arguments (a custom environment): "
                       "file skipped", False, "warning")
            raise SkipFile("custom platformshconfig.Config")
        return True

    # --- decision -----------------------------------------------------------------------
    def _decide(self, receiver: a.Receiver) -> None:
        blocked = next((u for u in receiver.uses if u.blocks or u.replacement is not None
                        and self._os_shadowed(u.node) is not None), None)
        guard = self._guard(receiver.statement) if receiver.kind != "config" else None
        for use in receiver.uses:
            why = self._why_not(receiver, use, blocked, guard)
            text = self._requoted(use)
            if why is None and text is not None and self.rewrites(use.code):
                self.replacements[use.node] = cst.parse_expression(text)
                self.needs_os = True
                self.rewrite_lines.append(self._line(use.node))
                self._find(use.node, use.code, use.message, True)
                continue
            severity = "warning" if use.code in ("UPS111", "UPS112", "UPS195") or \
                use.code >= "UPS190" else "info"
            self._find(use.node, use.code, use.message + (why or ""), False, severity)

    def _why_not(self, receiver: a.Receiver, use: a.Use, blocked: a.Use | None,
                 guard: str | None) -> str | None:
        """Why a use is not rewritten ("" when it has no rewrite at all), None if it is."""
        if use.replacement is None:
            return ""
        if use.needs_flag is not None and not self.flags[use.needs_flag]:
            return f" (rewritten with {use.needs_flag})"
        shadowed = self._os_shadowed(use.node)
        if shadowed is not None:
            return f" (not rewritten: {shadowed})"
        credential = use.code in ("UPS121", "UPS122", "UPS124")
        if credential and blocked is not None and receiver.kind != "config":
            return f" (not rewritten: another use of `{receiver.name}` cannot be)"
        guard = guard or self._guard(use.node)
        if guard is not None:
            return f" (not rewritten: {guard} around it catches platformshconfig's " \
                   "exceptions, which the rewrite does not raise)"
        if self._requoted(use) is None:
            return " (not rewritten: inside f-strings that use both quote characters, which " \
                   "Python before 3.12 cannot nest)"
        return None

    def _os_shadowed(self, node: cst.CSTNode) -> str | None:
        """Why `os` here may not name the os module, or None (see `osname.py`)."""
        if self.os_deleted:
            return "`del os` in this file: `os` may not name the os module here"
        line = other_binding(self.get_metadata(ScopeProvider, node, None), self._line)
        if line is None:
            return None
        return f"`os` here may name something other than the os module: it is bound on line {line}"

    def _guard(self, node: cst.CSTNode) -> str | None:
        """The handler of an enclosing `try` that catches the library's exceptions, as text."""
        child, parent = node, self._parent(node)
        while parent is not None:
            if isinstance(parent, (cst.Try, cst.TryStar)) and child is parent.body:
                caught = next(filter(None, map(self._catches, parent.handlers)), None)
                if caught is not None:
                    return caught
            child, parent = parent, self._parent(parent)
        return None

    def _catches(self, handler: cst.ExceptHandler | cst.ExceptStarHandler) -> str | None:
        if handler.type is None:
            return "a bare `except:`"
        types = [e.value for e in handler.type.elements] \
            if isinstance(handler.type, cst.Tuple) else [handler.type]
        for kind in types:
            names = a.qualified(self._qnames, kind)
            if names & a.CAUGHT or any(n.startswith("platformshconfig") for n in names):
                return f"`except {cst.Module([]).code_for_node(handler.type)}`"
        return None

    def _requoted(self, use: a.Use) -> str | None:
        """The replacement with quotes the enclosing f-strings leave free: before Python 3.12 an
        f-string's expressions cannot hold its own quote character (`compat`)."""
        if use.replacement is None:
            return None
        enclosing: set[str] = set()
        parent = self._parent(use.node)
        while parent is not None:
            if isinstance(parent, cst.FormattedString):
                enclosing.add(quote_of(parent))
            parent = self._parent(parent)
        return requote(use.replacement, enclosing)

    # --- other findings -----------------------------------------------------------------
    def _string(self, node: cst.SimpleString) -> None:
        value = a.literal(node)
        if value in ("PLATFORM_MODE", "PLATFORM_CLUSTER"):
            self._find(node, "UPS112", f"{value} is not set on Upsun (Dedicated only)", False,
                       "warning")
        elif value == "PLATFORMSH_CLI_TOKEN":
            if self._env_access(node) and self.rewrites("UPS161"):
                self.replacements[node] = node.with_changes(
                    value=node.value.replace("PLATFORMSH_CLI_TOKEN", "UPSUN_CLI_TOKEN"))
                self._find(node, "UPS161", "PLATFORMSH_CLI_TOKEN -> UPSUN_CLI_TOKEN", True)
            else:
                self._find(node, "UPS161", "PLATFORMSH_CLI_TOKEN: the upsun CLI reads "
                           "UPSUN_CLI_TOKEN", False)

    def _env_access(self, node: cst.SimpleString) -> bool:
        parent = self._parent(node)
        holder: cst.CSTNode | None = None
        if isinstance(parent, cst.Index):
            subscript_element = self._parent(parent)
            holder = self._parent(subscript_element) if subscript_element is not None else None
        elif isinstance(parent, cst.Arg):
            holder = self._parent(parent)
        if isinstance(holder, cst.Subscript):
            return "os.environ" in a.qualified(self._qnames, holder.value)
        if isinstance(holder, cst.Call):
            return bool(a.qualified(self._qnames, holder.func) & ENV_READS)
        return False

    def _call(self, node: cst.Call) -> None:
        if not a.qualified(self._qnames, node.func) & CLI_CALLS or not node.args:
            return
        first = node.args[0].value
        head = first.elements[0].value if isinstance(first, cst.List) and first.elements \
            else first
        text = a.literal(head)
        if isinstance(text, str) and (text == "platform" or text.startswith("platform ")):
            self._find(node, "UPS161", "calls the `platform` CLI: the Upsun CLI is `upsun`",
                       False)


def _of_library(node: cst.Import | cst.ImportFrom) -> bool:
    """`import platformshconfig` or `from platformshconfig import Config` (not submodules)."""
    if isinstance(node, cst.ImportFrom):
        return isinstance(node.module, cst.Name) and node.module.value == "platformshconfig" \
            and not node.relative
    return all(alias.evaluated_name == "platformshconfig" for alias in node.names)


def _inside(node: cst.CSTNode, replaced: dict[cst.CSTNode, Any]) -> bool:
    return any(_inside_node(node, outer) for outer in replaced)


def _inside_node(node: cst.CSTNode, outer: cst.CSTNode) -> bool:
    return node is outer or any(found is node for found in m.findall(outer, m.Name()))
