"""A node written again in flow style (`{a: 1, b: [x, y]}`), for text that must move into a
flow collection: its scalars keep their text where it reads the same there (quotes, tags,
anchors and aliases included), and become JSON-quoted strings where it would not; the comments
it holds are returned apart, to stand on lines before it.

None when the node cannot be written so: a key too long for a simple key in flow style.
"""

from __future__ import annotations

import json
import re

from migrator.errors import MigratorError
from migrator.yamltext.edits import (
    Edit,
    comments,
    content_start,
    line_end,
    line_start,
    rendered,
    shifted,
)
from migrator.yamltext.nodes import (
    Alias,
    Mapping,
    Node,
    Scalar,
    Sequence,
    is_merge_key,
    scalar_value,
)
from migrator.yamltext.parse import Document, parse
from migrator.yamltext.properties import properties

#: libyaml's limit on an implicit ("simple") key: 1024 characters up to its `:`.
SIMPLE_KEY_LIMIT = 1024
#: A plain scalar that reads the same inside a flow collection: no flow indicator, no `: `
#: or ` #`, no leading indicator.
_FLOW_SAFE = re.compile(r"^(?![-?:,\[\]{}#&*!|>'\"%@`\s])[^,\[\]{}\n]*$")


def flow_text(doc: Document, node: Node) -> tuple[str, list[str]] | None:
    """The node as one line of flow text and the comments it held, or None (see the
    module's docstring)."""
    text = _flow(doc, node)
    if text is None:
        return None
    return text, [comment.text for comment in comments(doc, node.start, node.end)]


def edited_flow(doc: Document, node: Node, edits: list[Edit]) -> tuple[str, list[str]] | None:
    """A node as the edits made inside it left it, in flow style (and the comments it then
    holds); None when that text does not read as YAML on its own (an alias to an anchor
    outside it) or cannot be written in flow style."""
    content = content_start(doc, node)
    block = isinstance(node, (Mapping, Sequence)) and not node.flow
    start, end = (line_start(doc, content), line_end(doc, node.end - 1)) if block \
        else (content, node.end)  # whole lines: a removal takes its line break along
    text = rendered(doc.text, edits, start, end)
    if block:
        text = shifted(text, -doc.column(content), whole_lines=True)
    try:
        written = parse(text, doc.file)
    except MigratorError:
        return None
    before = [c.text for c in comments(doc, node.start, start)]  # after the node's properties
    if written.root is None:
        return "~", before
    flow = _flow(written, written.root)
    return None if flow is None else (flow, before + [c.text for c in comments(written)])


def _flow(doc: Document, node: Node) -> str | None:
    if isinstance(node, Alias):
        return doc.text[node.start:node.end]
    props = "".join(doc.text[start:end] + " " for _, start, end in properties(doc, node))
    if isinstance(node, Scalar):
        body = _scalar(doc, node)
        return None if body is None else props + body
    parts: list[str] = []
    if isinstance(node, Mapping):
        for key, value in node.pairs:
            key_text = "<<" if is_merge_key(key) else _key(doc, key)
            value_text = _flow(doc, value)
            if key_text is None or value_text is None:
                return None
            parts.append(f"{key_text}: {value_text}")
        return props + "{" + ", ".join(parts) + "}"
    assert isinstance(node, Sequence)
    for item in node.items:
        item_text = _flow(doc, item)
        if item_text is None:
            return None
        parts.append(item_text)
    return props + "[" + ", ".join(parts) + "]"


def _scalar(doc: Document, node: Scalar) -> str | None:
    start = content_start(doc, node)
    source = doc.text[start:node.end]
    if "\n" not in source and node.style in ("'", '"'):
        return source
    if node.style == "":
        if source == "":
            return '""' if node.tag is not None and node.tag.endswith(":str") else "~"
        if "\n" not in source and _FLOW_SAFE.match(source) and " #" not in source \
                and ": " not in source and not source.endswith(":"):
            return source
        if node.tag is None and not isinstance(scalar_value(node), str):
            return None  # a number or a boolean that only reads so unquoted
    return json.dumps(node.value, ensure_ascii=False)


def _key(doc: Document, key: Scalar) -> str | None:
    text = _scalar(doc, key)
    if text is None:
        return None
    text = "".join(doc.text[start:end] + " " for _, start, end in properties(doc, key)) + text
    return text if len(text) < SIMPLE_KEY_LIMIT - 1 else None
