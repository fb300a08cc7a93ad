"""UPS010: the pre-`locations` web format moves into `web.locations."/"`.

`document_root` becomes `root` (relative, no leading slash), `index_files` becomes `index`,
`passthru` and `expires` move as they are, `whitelist` becomes `allow: false` with a rule per
pattern allowing it, `blacklist` a rule per pattern denying it (listed first, so that a pattern
in both lists stays denied).
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import SingleQuotedScalarString

from migrator import yamlio
from migrator.comments import add_comment_at_top, inner_comments, remove_key
from migrator.context import MigrationContext

CODE = "UPS010"
TITLE = "web-locations"
LEGACY_KEYS = ("document_root", "passthru", "index_files", "expires", "whitelist", "blacklist")


def apply(ctx: MigrationContext) -> None:
    for app in ctx.apps:
        web = app.node.get("web")
        if not isinstance(web, CommentedMap):
            continue
        present = [key for key in LEGACY_KEYS if key in web]
        if not present:
            continue
        location = ctx.location(app.file, web, present[0])
        locations = web.get("locations")
        if isinstance(locations, CommentedMap) and "/" in locations:
            ctx.warn(CODE, location, f"web has both `locations./` and legacy keys "
                     f"({', '.join(present)}); the legacy keys are kept as they are")
            continue
        before = ", ".join(f"{key}: {yamlio.flow(web[key])}" for key in present)
        root = _location_root(web)
        if not isinstance(locations, CommentedMap):
            locations = CommentedMap()
            web.insert(yamlio.own_keys(web).index(present[0]), "locations", locations)
        locations.insert(0, SingleQuotedScalarString("/"), root)
        kept = [line for key in present for line in inner_comments(web[key])]
        for key in present:
            remove_key(web, key)
        for line in reversed(kept):
            add_comment_at_top(root, line.removeprefix("#").strip())
        ctx.change(CODE, location, ("applications", app.name, "web", "locations", "/"), before,
                   yamlio.flow(root))


def _location_root(web: CommentedMap) -> CommentedMap:
    root = CommentedMap()
    if "document_root" in web:
        document_root = web["document_root"]
        root["root"] = type(document_root)(str(document_root).strip("/")) \
            if isinstance(document_root, str) else document_root
    for legacy, key in (("passthru", "passthru"), ("index_files", "index"),
                        ("expires", "expires")):
        if legacy in web:
            root[key] = web[legacy]
    rules = CommentedMap()
    for pattern in web.get("blacklist") or []:  # denials first: the first matching rule wins
        rules[pattern] = CommentedMap(allow=False)
    for pattern in web.get("whitelist") or []:
        rules.setdefault(pattern, CommentedMap(allow=True))
    if "whitelist" in web:
        root["allow"] = False
    if rules:
        root["rules"] = rules
    return root
