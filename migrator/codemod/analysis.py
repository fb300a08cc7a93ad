"""Who reads Platform.sh settings in a module: receivers resolved by qualified name, never by
variable name, and every use of each one, classified as rewritable or not."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import libcst as cst
import libcst.matchers as m

CONFIG = "platformshconfig.Config"
#: The characters `env_prefix` turns into `_`.
_NOT_IN_A_NAME = re.compile(r"[^0-9A-Z_]")
ATTRIBUTES = {
    "applicationName": "PLATFORM_APPLICATION_NAME", "appDir": "PLATFORM_APP_DIR",
    "branch": "PLATFORM_BRANCH", "environment": "PLATFORM_ENVIRONMENT",
    "project": "PLATFORM_PROJECT", "treeID": "PLATFORM_TREE_ID",
    "projectEntropy": "PLATFORM_PROJECT_ENTROPY", "documentRoot": "PLATFORM_DOCUMENT_ROOT",
    "smtpHost": "PLATFORM_SMTP_HOST", "port": "PORT", "socket": "SOCKET",
}
OPTIONAL_ATTRIBUTES = frozenset({"smtpHost"})
CHECKS = {
    "is_valid_platform": ("UPS106", '"PLATFORM_APPLICATION_NAME" in os.environ'),
    "in_build": ("UPS107", '"PLATFORM_APPLICATION_NAME" in os.environ and '
                           '"PLATFORM_ENVIRONMENT" not in os.environ'),
    "in_runtime": ("UPS108", '"PLATFORM_ENVIRONMENT" in os.environ'),
}
PRODUCTION_CHECK = 'os.environ.get("PLATFORM_ENVIRONMENT_TYPE") == "production"'
DEDICATED = frozenset({"on_enterprise", "on_dedicated"})
NO_EQUIVALENT = frozenset({"routes", "get_route", "variables", "variable", "has_relationship",
                           "application"})
#: handlers that catch what platformshconfig raises (BuildTimeVariableAccessException and
#: NotValidPlatformException are RuntimeErrors; a missing relationship is a KeyError)
CAUGHT = frozenset(f"builtins.{name}" for name in (
    "Exception", "BaseException", "RuntimeError", "KeyError", "LookupError"))
#: credential key -> service environment variable suffix (documented on every service page)
PROPERTIES = {key: key.upper() for key in (
    "host", "hostname", "ip", "port", "rel", "scheme", "service", "type", "cluster", "username",
    "password", "path", "fragment", "public", "host_mapped", "epoch")}


def env_prefix(relationship: str) -> str:
    """Upsun's naming rule for service environment variables."""
    return _NOT_IN_A_NAME.sub("_", relationship.upper())


def literal(node: cst.CSTNode | None) -> str | int | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.Integer):
        return int(node.value)
    return None


def subscript_key(node: cst.Subscript) -> cst.BaseExpression | None:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    return node.slice[0].slice.value


def mentions(node: cst.CSTNode, text: str) -> bool:
    return any(literal(s) == text for s in m.findall(node, m.SimpleString()))


@dataclass
class Use:
    """One use of a receiver: the node to replace, what with, or why not."""

    node: cst.CSTNode
    code: str
    message: str
    replacement: str | None = None
    needs_flag: str | None = None  # the option that enables this rewrite
    blocks: bool = False  # makes the receiver's other credential rewrites impossible


@dataclass
class Receiver:
    kind: str  # "config", "relationships", "credentials"
    name: str
    statement: cst.CSTNode
    relationship: str | None = None
    index: str | int | None = 0
    uses: list[Use] = field(default_factory=list)
    names: list[cst.Name] = field(default_factory=list)


def qualified(get: Any, node: cst.CSTNode) -> set[str]:
    try:
        return {q.name for q in get(node)}
    except KeyError:
        return set()
