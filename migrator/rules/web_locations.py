"""UPS010: the pre-`locations` web format moves into `web.locations."/"`.

`document_root` becomes `root` (relative, no leading slash), `index_files` becomes `index`,
`passthru` and `expires` move as they are, `whitelist` becomes `allow: false` with a rule per
pattern allowing it, `blacklist` a rule per pattern denying it (listed first, so that a pattern
in both lists stays denied). Moved values keep their text; comments stay where they were.
"""

from __future__ import annotations

import json
from typing import Any

from migrator.legacy.model import LegacyApp
from migrator.rules.context import MISSING, MigrationContext
from migrator.yamltext.editor import Editor
from migrator.yamltext.edits import content_start, line_start
from migrator.yamltext.flowtext import SIMPLE_KEY_LIMIT, edited_flow
from migrator.yamltext.nest import unit
from migrator.yamltext.nodes import Mapping, Node, Scalar, Sequence, to_data
from migrator.yamltext.properties import properties
from migrator.yamltext.render import flow, scalar

CODE = "UPS010"
TITLE = "web-locations"
LEGACY_KEYS = ("document_root", "passthru", "index_files", "expires", "whitelist", "blacklist")
_MOVED = (("passthru", "passthru"), ("index_files", "index"), ("expires", "expires"))


def apply(ctx: MigrationContext) -> None:
    done: set[Node] = set()  # a `web` another app merges or aliases is rewritten once
    for app in ctx.apps:
        web = app.mapping.get("web")
        if not isinstance(web, Mapping):
            continue
        present = [key for key in LEGACY_KEYS if key in web]
        if not present:
            continue
        editor = ctx.editor(app.source)
        location = ctx.key_location(app.source, web, present[0])
        locations = web.get("locations")
        if isinstance(locations, Mapping) and "/" in locations:
            ctx.warn(CODE, location, f"web has both `locations./` and legacy keys "
                     f"({', '.join(present)}); the legacy keys are kept as they are")
            continue
        if web.flow or any(web.holder(key) is not web for key in present) or (
                isinstance(locations, Mapping) and locations.flow):
            raise editor.refuse("the legacy web keys (document_root, passthru, ...) are in "
                                "flow style or merged from an anchor: move them into "
                                "`locations: {'/': ...}` by hand", web)
        data = _location_data(web)
        path = ("applications", app.name, "web")
        before = ", ".join(f"{key}: {flow(_data(web, key))}" for key in present)
        if web not in done:
            done.add(web)
            _write(app, editor, web, present, locations)
        ctx.expect((*path, "locations", "/"), data)
        for key in present:
            ctx.expect((*path, key), MISSING)
        ctx.change(CODE, location, (*path, "locations", "/"), before, flow(data))


def _location_data(web: Mapping) -> dict[str, Any]:
    data: dict[str, Any] = {}
    root = web.get("document_root")
    if root is not None:
        value = to_data(root)
        data["root"] = value.strip("/") if isinstance(value, str) else value
    for legacy, key in _MOVED:
        if legacy in web:
            data[key] = _data(web, legacy)
    rules: dict[str, Any] = {}
    for pattern in _patterns(web, "blacklist"):  # denials first: the first matching rule wins
        rules[pattern] = {"allow": False}
    for pattern in _patterns(web, "whitelist"):
        rules.setdefault(pattern, {"allow": True})
    if "whitelist" in web:
        data["allow"] = False
    if rules:
        data["rules"] = rules
    return data


def _patterns(web: Mapping, key: str) -> list[str]:
    value = web.get(key)
    return [str(item) for item in to_data(value) or []] if isinstance(value, Sequence) else []


def _write(app: LegacyApp, editor: Editor, web: Mapping, present: list[str],
           locations: Node | None) -> None:
    doc = app.source.doc
    step = unit(doc)
    first = web.own(present[0])
    assert first is not None
    body = _body(app, editor, web, step)
    if isinstance(locations, Mapping) and locations.pairs:
        key = locations.pairs[0][0]
        editor.lines_before(key.start, ["'/':"] + [" " * step + line for line in body],
                            doc.column(key.start))
    else:
        editor.lines_before(first[0].start, ["locations:", " " * step + "'/':"]
                            + [" " * 2 * step + line for line in body],
                            doc.column(first[0].start))
        if locations is not None:  # `locations:` with no entries (null or {}): replaced
            editor.remove(web, "locations")
    for legacy in present:
        editor.remove(web, legacy)


def _data(web: Mapping, key: str) -> Any:
    value = web.get(key)
    return to_data(value) if value is not None else None


def _body(app: LegacyApp, editor: Editor, web: Mapping, step: int) -> list[str]:
    """The lines of `'/'`'s mapping, relative to its own column."""
    lines: list[str] = []
    root = web.get("document_root")
    if isinstance(root, Scalar):
        lines.append(f"root: {_stripped(root)}")
    for legacy, key in _MOVED:
        value = web.get(legacy)
        if value is not None:
            lines += _moved(app, editor, key, value, step)
    if "whitelist" in web:
        lines.append("allow: false")
    rules = _location_data(web).get("rules")
    if rules:
        lines.append("rules:")
        for pattern, rule in rules.items():
            lines += [" " * step + line for line in _key_lines(scalar(pattern))]
            lines.append(f"{' ' * 2 * step}allow: {scalar(rule['allow'])}")
    return lines


def _key_lines(text: str) -> list[str]:
    """`text:`, or `? text` and `:` for a key too long for a simple key."""
    return [f"{text}:"] if len(text) < SIMPLE_KEY_LIMIT - 1 else [f"? {text}", ":"]


def _stripped(root: Scalar) -> str:
    """`document_root` as `root`: a string without its slashes, quoted as it was."""
    value = to_data(root)
    if not isinstance(value, str):
        return scalar(value)
    value = value.strip("/")
    if root.style == '"':
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if root.style == "'":
        return "'" + value.replace("'", "''") + "'"
    return scalar(value)


def _moved(app: LegacyApp, editor: Editor, key: str, value: Node, step: int) -> list[str]:
    """`key: <the value's own text>` with its tags (its anchor stays where it was defined:
    an alias to it finds it there, or where the removal of this key moves it); a block
    collection keeps its lines, re-indented; a value on several lines is written in flow
    style, or as a quoted string."""
    doc = app.source.doc
    content = content_start(doc, value)
    tags = "".join(doc.text[start:end] + " " for kind, start, end in properties(doc, value)
                   if kind == "!")
    if isinstance(value, (Mapping, Sequence)) and not value.flow:
        own = doc.column(content)
        block = doc.text[line_start(doc, content):value.end].split("\n")
        return [f"{key}:" + (" " + tags.rstrip() if tags else "")] + [
            " " * step + line[min(own, len(line) - len(line.lstrip(" "))):] if line.strip()
            else "" for line in block]
    text = doc.text[content:value.end]
    if "\n" not in text:
        return [f"{key}: {tags}{text}"]
    if isinstance(value, Scalar):
        return [f"{key}: {tags}{json.dumps(value.value, ensure_ascii=False)}"]
    written = edited_flow(doc, value, editor.edits)  # the edits rules made so far
    if written is None:
        raise editor.refuse(f"cannot move `{key}` (written on several lines) into "
                            "`locations`; write it on one line", value)
    return written[1] + [f"{key}: {tags}{written[0]}"]
