"""A second reading of the YAML the engine writes: ruamel.yaml's round-trip loader, whose
composer and constructors are not the engine's, so that the tests check the output with a
parser that shares nothing with the one that wrote it but libyaml's grammar."""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar


def load(text: str) -> Any:
    """The round-trip tree of one document; duplicate keys are refused (ruamel.yaml's errors
    are raised as they are)."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml.load(text)


def plain(node: Any) -> Any:
    """Plain Python data (dicts, lists, scalars) with tags written as `!tag value` strings."""
    if isinstance(node, CommentedMap):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [plain(v) for v in node]
    if isinstance(node, TaggedScalar):
        return f"{node.tag.value} {node.value}"
    return node if isinstance(node, (int, float, bool)) or node is None else str(node)
