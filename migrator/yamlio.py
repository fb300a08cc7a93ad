"""ruamel.yaml round-trip trees for the `validate` command and the codemod's reading of
`.upsun/config.yaml`. The migration itself never uses this module: it reads and edits text
through `migrator.yamltext`."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from ruamel.yaml import YAML
from ruamel.yaml.comments import (
    CommentedKeyMap,
    CommentedKeySeq,
    CommentedMap,
    CommentedSeq,
    TaggedScalar,
)
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from migrator.errors import InputError
from migrator.yamltext.parse import marked_problem, refuse_unicode_line_breaks

#: Tags Platform.sh understands on top of the YAML core ones.
PLATFORM_TAGS = frozenset({"!include", "!archive"})
MAX_DEPTH = 200

Node = Any  # a ruamel round-trip node: CommentedMap, CommentedSeq, TaggedScalar or a scalar
T = TypeVar("T")


class _RefusesRecursiveAliases:
    """An alias inside the collection it names: ruamel.yaml turns it into a null (a mapping) or
    a collection that contains itself (a list item), neither of which the legacy file meant."""

    def return_alias(self, node: Any) -> Any:
        if node.end_mark is None:  # the aliased collection is still being read: we are inside it
            raise ComposerError(None, None, "the collection starting here holds an alias to "
                                "itself (a recursive structure)", node.start_mark)
        return node


class _Composer(_RefusesRecursiveAliases, Composer):
    pass


def new_yaml() -> YAML:
    """A round-trip instance that refuses duplicate keys and recursive aliases."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_duplicate_keys = False
    yaml.Composer = _Composer
    return yaml


_reused: dict[str, YAML] = {}  # one instance per process (building one scans the file system)


def _with_shared(purpose: str, action: Callable[[YAML], T]) -> T:
    """Run `action` on this process's instance for `purpose` (building one scans the file system);
    after a failure the instance is dropped, since it may hold that document's state (anchors)."""
    yaml = _reused.get(purpose)
    if yaml is None:
        yaml = _reused[purpose] = new_yaml()
    try:
        return action(yaml)
    except BaseException:
        del _reused[purpose]
        raise


def load(text: str, file: str, *, allow_empty: bool = False) -> Node:
    """Parse one document; errors become InputError with file:line:col."""
    refuse_unicode_line_breaks(text, file)
    try:
        data, caught = _parse(text)
    except MarkedYAMLError as exc:
        raise _marked_error(exc, file) from None
    except YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", file) from None
    except RecursionError:
        raise InputError("YAML nested too deeply", file) from None
    except Exception as exc:  # noqa: BLE001 - ruamel.yaml crashes on some hostile documents
        # (a mapping merging itself, a lone carriage return after a comment): the input's fault
        reason = next(iter(str(exc).splitlines()), "")[:160]
        raise InputError(f"cannot read this YAML ({type(exc).__name__}"
                         f"{': ' + reason if reason else ''})", file) from None
    for warning in caught:
        _refuse_reused_anchor(str(warning.message), file)
    if data is None:
        if allow_empty:
            return None
        raise InputError("file is empty (no YAML document)", file)
    check_tree(data, file)
    return data


def _parse(text: str) -> tuple[Node, list[warnings.WarningMessage]]:
    def load_once(yaml: YAML) -> Node:
        data = yaml.load(text)
        yaml.doc_infos.clear()  # ruamel.yaml keeps one entry per document loaded
        return data

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = _with_shared("load", load_once)
    return data, caught


def _refuse_reused_anchor(message: str, file: str) -> None:
    """Two anchors of one name: which one an alias means is not obvious to a reader; refuse."""
    name = re.search(r"duplicate anchor '([^']*)'", message)
    if name is None:
        return
    second = re.search(r"second occurrence.*?line (\d+)", message, re.DOTALL)
    raise InputError(f"anchor &{name.group(1)} is defined twice", file,
                     int(second.group(1)) if second else None)


def _marked_error(exc: MarkedYAMLError, file: str) -> InputError:
    problem, line, column = marked_problem(exc)
    if "duplicate key" in problem:
        problem = problem.split(" (")[0].replace('found duplicate key', 'duplicate key')
    return InputError(problem.strip(), file, line, column)


def check_tree(root: Node, file: str) -> None:
    """Refuse unknown tags, keys that are collections and absurd nesting; aliases are visited
    once (no alias bombs)."""
    # visited nodes by identity; each entry holds its node, so no id can be freed and reused
    visited: dict[int, Node] = {}
    stack: list[tuple[Node, int, int]] = [(root, 0, 1)]
    while stack:
        node, depth, line = stack.pop()
        identity = id(node)
        if visited.get(identity) is node:
            continue
        visited[identity] = node
        if depth > MAX_DEPTH:
            raise InputError("YAML nested too deeply", file, line)
        tag = tag_of(node)
        if tag is not None and not tag.startswith("tag:yaml.org,2002:") \
                and tag not in PLATFORM_TAGS:
            raise InputError(f"unknown tag {tag} (only !include and !archive are supported)",
                             file, line)
        for key, child in keyed_children(node):
            if isinstance(key, (CommentedKeyMap, CommentedKeySeq)):  # `? {a: 1}` or `? [a]`
                raise InputError("a key that is a mapping or a list is not supported (keys of a "
                                 "configuration are names)", file, line_of(key) or line)
            stack.append((child, depth + 1, line_of(node, key) or line))


def tag_of(node: Node) -> str | None:
    tag = getattr(node, "tag", None)
    value = getattr(tag, "value", tag)
    return value if isinstance(value, str) else None


def keyed_children(node: Node) -> Iterator[tuple[Any, Node]]:
    """(key or index, child) pairs of a collection; nothing for scalars."""
    if isinstance(node, CommentedMap):
        for key in node._keys():
            yield key, node[key]
    elif isinstance(node, CommentedSeq):
        yield from enumerate(node)


def line_of(node: Node, key: Any = None) -> int:
    """1-based line of a mapping key (or of the node itself), 0 when unknown."""
    try:
        if key is not None and isinstance(node, (CommentedMap, CommentedSeq)):
            return int(node.lc.key(key)[0]) + 1 if isinstance(node, CommentedMap) \
                else int(node.lc.item(key)[0]) + 1
        return int(node.lc.line) + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return 0


def plain(node: Node) -> Any:
    """Plain Python data (dicts, lists, scalars) with tags written as `!tag value` strings."""
    if isinstance(node, CommentedMap):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [plain(v) for v in node]
    if isinstance(node, TaggedScalar):
        return f"{tag_of(node)} {node.value}"
    return node if isinstance(node, (int, float, bool)) or node is None else str(node)
