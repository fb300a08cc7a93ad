"""Keeping comments alive when keys are removed or replaced, and indenting them in the output.

ruamel.yaml stores a comment on the node *before* it: the comment lines that precede a key live
in the trailing comment of the previous value (deep in it, when that value is a collection).
Removing a key therefore must carry its comments to a neighbour, or they vanish.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from migrator import yamlio


def _token_lines(tokens: Any) -> list[str]:
    if tokens is None:
        return []
    if not isinstance(tokens, list):
        tokens = [tokens]
    text = "".join(t.value for t in tokens if t is not None)
    return [line.rstrip() for line in text.splitlines() if line.strip().startswith("#")]


def _last_leaf(node: Any) -> tuple[Any, Any] | None:
    """(collection, key-or-index) of the last scalar in `node`, where trailing comments live."""
    while isinstance(node, (CommentedMap, CommentedSeq)) and len(node):
        key = (yamlio.own_keys(node) or [None])[-1] if isinstance(node, CommentedMap) else \
            (len(node) - 1 if isinstance(node, CommentedSeq) else None)
        if key is None:
            return None
        value = node[key]
        if isinstance(value, (CommentedMap, CommentedSeq)) and len(value):
            node = value
            continue
        return node, key
    return None


def _slot(holder: Any, key: Any) -> int:
    return 0 if isinstance(holder, CommentedSeq) else 2


def _take_trailing(holder: Any, key: Any) -> tuple[str | None, list[str]]:
    """Remove and return (end-of-line comment, following comment lines) of holder[key]."""
    entry = holder.ca.items.get(key)
    value = holder[key]
    if isinstance(value, (CommentedMap, CommentedSeq)) and len(value):
        eol = None
        if entry and entry[2] is not None:
            eol = _first_comment(entry[2].value)
            entry[2] = None
        if value.ca.comment and value.ca.comment[0] is not None:
            eol = eol or _first_comment(value.ca.comment[0].value)
            value.ca.comment[0] = None
        leaf = _last_leaf(value)
        rest: list[str] = []
        if leaf is not None:
            leaf_entry = leaf[0].ca.items.get(leaf[1])
            slot = _slot(*leaf)
            if leaf_entry and leaf_entry[slot] is not None:
                text = leaf_entry[slot].value
                first, _, tail = text.partition("\n")
                rest = _token_lines(CommentToken(tail, CommentMark(0)))
                leaf_entry[slot] = CommentToken(first + "\n", CommentMark(leaf_entry[slot].column)) \
                    if first.strip() else None
        return eol, rest
    token = entry[_slot(holder, key)] if entry else None
    if token is None:
        return None, []
    first, _, tail = token.value.partition("\n")
    eol = first.strip() or None
    return eol, _token_lines(CommentToken(tail, CommentMark(0)))


def _first_comment(text: str) -> str | None:
    first = text.partition("\n")[0].strip()
    return first or None


def _append_after(holder: Any, key: Any, lines: list[str]) -> bool:
    """Append full-line comments after holder[key] (at its deepest last scalar)."""
    value = holder[key]
    if isinstance(value, (CommentedMap, CommentedSeq)) and len(value):
        leaf = _last_leaf(value)
        if leaf is None:
            return False
        holder, key = leaf
    entry = holder.ca.items.setdefault(key, [None, None, None, None])
    slot = _slot(holder, key)
    old = entry[slot].value if entry[slot] is not None else "\n"
    if not old.endswith("\n"):
        old += "\n"
    column = entry[slot].column if entry[slot] is not None else 0
    entry[slot] = CommentToken(old + "".join(f"{line}\n" for line in lines), CommentMark(column))
    return True


def remove_key(mapping: CommentedMap, key: Any, replacement: str | None = None) -> str | None:
    """Remove `key` (from the mapping that really holds it) keeping the comments around it.

    `replacement`, a comment line without `#`, takes the key's place; the comment that stood on
    the key's line is appended to it. Returns that end-of-line comment, if any.
    """
    holder = yamlio.own(mapping, key) or mapping
    keys = yamlio.own_keys(holder)
    position = keys.index(key)
    entry = holder.ca.items.get(key)
    before = _token_lines(entry[1]) if entry else []
    column = _key_column(holder, key)
    eol, after = _take_trailing(holder, key)
    holder.ca.items.pop(key, None)
    yamlio.delete(holder, key)
    middle = []
    if replacement is not None:
        middle = [f"# {replacement}" + (f" {eol}" if eol else "")]
    elif eol:
        middle = [eol]
    indent = " " * column
    place_comments(holder, keys[:position], keys[position + 1:],
                   [_at_least(line, column) for line in before]
                   + [indent + line for line in middle] + after)
    return eol


def _at_least(line: str, column: int) -> str:
    """A comment line that stood before a removed key, indented at least like that key."""
    stripped = line.lstrip(" ")
    return " " * max(column, len(line) - len(stripped)) + stripped


def _key_column(mapping: CommentedMap, key: Any) -> int:
    try:
        return int(mapping.lc.key(key)[1])
    except (AttributeError, KeyError, TypeError):
        return 0


def add_comment_at_top(mapping: CommentedMap, text: str) -> None:
    """A comment line (without `#`) before the first key of `mapping`, after any lines this
    function already put there that start like it (so several hints keep their order)."""
    keys = yamlio.own_keys(mapping)
    column = _key_column(mapping, keys[0]) if keys else (_source_column(mapping) or 0)
    line = " " * column + f"# {text}"
    entry = mapping.ca.items.get(keys[0]) if keys else None
    if entry and entry[1]:
        lead = text.split(" ", 1)[0]
        count = 0
        while count < len(entry[1]) and entry[1][count].value.strip().startswith(f"# {lead}"):
            count += 1
        entry[1][count:count] = [CommentToken(f"{line}\n", CommentMark(0))]
        return
    place_comments(mapping, [], keys[:1], [line])


def place_comments(holder: CommentedMap, previous: list[Any], following: list[Any],
                   lines: list[str]) -> None:
    """Put comment lines where a removed key stood: before the next key, else after the last."""
    if not lines:
        return
    if following:
        entry = holder.ca.items.setdefault(following[0], [None, None, None, None])
        tokens = [CommentToken(f"{line}\n", CommentMark(0)) for line in lines]
        entry[1] = tokens + (entry[1] or [])
        return
    if previous and _append_after(holder, previous[-1], lines):
        return
    if holder.ca.comment is None:
        holder.ca.comment = [None, []]
    while len(holder.ca.comment) < 2:
        holder.ca.comment.append([])
    holder.ca.comment[1] = (holder.ca.comment[1] or []) + [
        CommentToken(f"{line}\n", CommentMark(0)) for line in lines]


# --- indentation -------------------------------------------------------------------------
# A comment keeps the column it had in its legacy file, but its node now sits deeper (an app
# moves under `applications.<name>`) and the output indents by 2. Each comment line is mapped
# to the nesting level it was written at: the deepest enclosing collection whose keys stood at
# or left of the comment's column in the source gives the output column.

Level = tuple[int, int]  # (column in the source, column in the output)


def reindent(root: Any) -> None:
    """Give every full-line comment under root the output column of the level it belongs to."""
    _reindent(root, 0, [(0, 0)], set())


def _source_column(node: Any) -> int | None:
    """Where a collection's entries stood in the source; None for a node the migrator built."""
    try:
        if isinstance(node, CommentedMap):
            return int(node.lc.key(yamlio.own_keys(node)[0])[1])
        if isinstance(node, CommentedSeq) and len(node):
            return max(int(node.lc.item(0)[1]) - 2, 0)
    except (AttributeError, KeyError, IndexError, TypeError):
        pass
    column = getattr(node.lc, "col", None) if hasattr(node, "lc") else None
    return int(column) if column is not None else None


def _reindent(node: Any, column: int, levels: list[Level], seen: set[int]) -> None:
    if not isinstance(node, (CommentedMap, CommentedSeq)) or id(node) in seen:
        return
    seen.add(id(node))
    source = _source_column(node)
    if source is not None:
        levels = [lvl for lvl in levels if lvl[0] < source] + [(source, column)]
    else:  # a node the migrator built: its comments are its own, at its own column
        levels = [(-1, column)]
    comment = node.ca.comment
    if comment and len(comment) > 1 and comment[1]:
        comment[1] = [_moved(token, levels, pre=True) for token in comment[1]]
    child_column = column + 2
    for key, child in yamlio.keyed_children(node):
        child_source = _source_column(child) if isinstance(child, (CommentedMap, CommentedSeq)) \
            else None
        scope = levels if child_source is None or child_source <= (source or 0) else \
            levels + [(child_source, child_column)]
        entry = node.ca.items.get(key)
        if entry:
            for slot, token in enumerate(entry):
                if isinstance(token, list):
                    entry[slot] = [_moved(t, scope, pre=True) for t in token if t is not None]
                elif token is not None:
                    entry[slot] = _moved(token, scope, pre=False)
        _reindent(child, child_column, levels, seen)


def _target(levels: list[Level], source_column: int) -> int:
    fitting = [out for src, out in levels if src <= source_column]
    return fitting[-1] if fitting else levels[0][1]


def _moved(token: Any, levels: list[Level], *, pre: bool) -> Any:
    if not isinstance(token, CommentToken):
        return token  # ruamel.yaml keeps the comment after a block scalar indicator as bare text
    lines = token.value.split("\n")
    column = token.column
    start = 0 if pre else 1  # a trailing token's first line ends the value's own line
    for index in range(start, len(lines)):
        stripped = lines[index].lstrip(" ")
        if not stripped.startswith("#"):
            continue
        if index == 0:
            column = _target(levels, token.column + len(lines[0]) - len(stripped))
            lines[0] = stripped
        else:
            lines[index] = " " * _target(levels, len(lines[index]) - len(stripped)) + stripped
    return _rebuilt(token, "\n".join(lines), column)


def _rebuilt(token: CommentToken, value: str, column: int) -> CommentToken:
    if value == token.value and column == token.column:
        return token
    return CommentToken(value, CommentMark(column))


def replace_value(mapping: CommentedMap, key: Any, value: CommentedMap) -> None:
    """Put a mapping where a scalar stood: the scalar's end-of-line comment stays on the key's
    line, and the comment lines and blank lines that followed it now follow the new mapping."""
    entry = mapping.ca.items.get(key)
    token = entry[2] if entry else None
    column = _key_column(mapping, key)
    if entry is not None and len(entry) > 3 and entry[3]:
        # a block scalar's header comment (`key: |  # text`) is kept by ruamel.yaml as bare text
        # here, and on the scalar itself: it travels with the scalar when the new value holds it,
        # else it becomes the key's end-of-line comment
        header = [text for text in entry[3] if isinstance(text, str)]
        entry[3] = [item for item in entry[3] if not isinstance(item, str)] or None
        carried = any(item is mapping[key] for item in value.values())
        if header and token is None and not carried:
            token = CommentToken(header[0].strip() + "\n", CommentMark(0))
    mapping[key] = value
    value.lc.line, value.lc.col = yamlio.line_of(mapping, key) - 1, column + 1  # just inside
    if entry is None or token is None:
        return
    first, _, rest = token.value.partition("\n")
    entry[2] = CommentToken(first + "\n", CommentMark(token.column)) if first.strip() else None
    keys = yamlio.own_keys(value)
    if rest and keys:
        value.ca.items[keys[-1]] = [None, None, CommentToken("\n" + rest, CommentMark(0)), None]


def inner_comments(node: Any) -> list[str]:
    """Every full-line comment inside a value, in order (to keep them when the value moves)."""
    lines: list[str] = []
    seen: set[int] = set()

    def visit(value: Any) -> None:
        if not isinstance(value, (CommentedMap, CommentedSeq)) or id(value) in seen:
            return
        seen.add(id(value))
        if value.ca.comment and len(value.ca.comment) > 1:
            lines.extend(line.strip() for line in _token_lines(value.ca.comment[1]))
        for key, child in yamlio.keyed_children(value):
            for token in value.ca.items.get(key, []):
                text = _token_lines(token)
                lines.extend(line.strip() for line in text)
            visit(child)

    visit(node)
    return [line for line in lines if line]
