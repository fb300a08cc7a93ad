"""Generated legacy projects written with the YAML features a hand-written configuration may
use: anchors and aliases (templates kept in keys Upsun does not accept, shared blocks, shared
scalars), merges (`<<: *a`, `<<: [*a, *b]`, `!!merge <<:`), nulls in every spelling, core tags,
flow and block collections, block scalars, long scalars, comments, non-ASCII text, directives
(`%YAML`, `%TAG`), document markers (`---` with a comment or a tag, `...`), CRLF line ends and
tabs separating the entries of flow collections (tests/yamltext/test_tabs.py covers tabs
wherever else libyaml reads them as spaces).

A project is drawn as values (`Node` trees) and written by `Writer`, which picks the style of
each node as it goes. Values are ones Upsun accepts once migrated, so a project migrates unless
it holds a feature drawn on purpose as one the migration refuses (`Project.refusable`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

#: Spellings of a null value, as they read in block and in flow style.
NULLS = ["", "~", "null", "Null", "NULL", "!!null", "!!null ''"]
WORDS = ["alpha", "ünïcødé", "名前", "x y", "a: b", "c # d", "local", "size", "1024", "true", ""]
_PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9_ ./-]*$")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


@dataclass
class Node:
    """A value to write: a scalar (`value`), a mapping (`items`) or a list (`seq`); `anchor`
    names it for aliases written later; `merges` are anchored mappings merged with `<<`."""

    value: Any = None
    items: list[tuple[str, Node]] | None = None
    seq: list[Node] | None = None
    anchor: str | None = None
    merges: list[Node] = field(default_factory=list)
    merge_style: str = "<<"  # or "!!merge <<", or "list" for `<<: [*a]`
    block_text: bool = False  # a multi-line string written as a block scalar
    tag: bool = False  # a core tag that fits (`!!str`, `!!int`, `!!bool`)
    null: str = "~"  # the spelling of a null
    flow: bool = False  # a collection written in flow style
    comment: str | None = None  # at the end of its key's line
    include: bool = False  # a scalar written `!include <value>`


def scalar(value: Any, **options: Any) -> Node:
    return Node(value=value, **options)


def mapping(items: list[tuple[str, Node]], **options: Any) -> Node:
    return Node(items=items, **options)


def listed(items: list[Node], **options: Any) -> Node:
    return Node(seq=items, **options)


class Writer:
    """Writes Node trees as YAML text; an anchored node is written in full the first time
    and as an alias afterwards."""

    def __init__(self, draw: st.DrawFn, tabs: bool = False) -> None:
        self.draw, self.tabs = draw, tabs
        self.defined: set[str] = set()

    def document(self, root: Node) -> str:
        assert root.items is not None
        return "".join(line + "\n" for line in self.block_mapping(root, 0))

    def block_mapping(self, node: Node, indent: int) -> list[str]:
        assert node.items is not None
        pad, lines = " " * indent, []
        lines += self.merge_lines(node, indent)
        for key, value in node.items:
            if self.draw(st.integers(0, 9)) == 0:
                lines.append(f"{pad}# about {key_text(key)}")
            lines += self.entry(pad, key_text(key), value, indent)
        return lines

    def merge_lines(self, node: Node, indent: int) -> list[str]:
        if not node.merges:
            return []
        pad = " " * indent
        aliases = [f"*{self.use(base)}" for base in node.merges]
        if node.merge_style == "list" or len(aliases) > 1:
            return [f"{pad}<<: [{', '.join(aliases)}]"]
        key = "!!merge <<" if node.merge_style == "!!merge <<" else "<<"
        return [f"{pad}{key}: {aliases[0]}"]

    def use(self, base: Node) -> str:
        assert base.anchor is not None and base.anchor in self.defined, base.anchor
        return base.anchor

    def entry(self, pad: str, key: str, value: Node, indent: int) -> list[str]:
        if len(key) > 1000:  # longer than a simple key may be: an explicit one
            return [f"{pad}? {key}", *self.entry(pad, "", value, indent)]
        head = f"{pad}{key}:"
        comment = f"  # {value.comment}" if value.comment else ""
        if value.anchor is not None and value.anchor in self.defined:
            return [f"{head} *{value.anchor}{comment}"]
        if value.items is None and value.seq is None:
            props = self.define(value) + ("!include " if value.include else "")
            if value.block_text and "\n" in str(value.value):
                return [f"{head} {props}|-{comment}"] + [
                    f"{pad}  {line}" if line else "" for line in str(value.value).split("\n")]
            return [f"{head} {props}{self.scalar_text(value, False)}{comment}"]
        if value.flow or (not value.items and not value.seq and not value.merges):
            return [f"{head} {self.flow(value)}{comment}"]
        props = self.define(value)
        first = [f"{head}{' ' + props.rstrip() if props else ''}{comment}"]
        if value.items is not None:
            return first + self.block_mapping(value, indent + 2)
        assert value.seq is not None
        lines = []
        for item in value.seq:
            item_props = self.define(item) if item.anchor not in self.defined else ""
            text = f"*{item.anchor}" if item.anchor in self.defined and not item_props \
                else item_props + self.flow(item)
            lines.append(f"{pad}  - {text}")
        return first + lines

    def define(self, node: Node) -> str:
        if node.anchor is None:
            return ""
        self.defined.add(node.anchor)
        return f"&{node.anchor} "

    def flow(self, node: Node) -> str:
        if node.anchor is not None and node.anchor in self.defined:
            return f"*{node.anchor}"
        props = self.define(node)
        if node.items is not None:
            parts = [f"<<: *{self.use(base)}" for base in node.merges]
            parts += [f"{key_text(key)}: {self.flow(value)}" for key, value in node.items]
            return props + "{" + self.separator().join(parts) + "}"
        if node.seq is not None:
            return props + "[" + self.separator().join(self.flow(i) for i in node.seq) + "]"
        return props + ("!include " if node.include else "") + self.scalar_text(node, True)

    def separator(self) -> str:
        return ",\t" if self.tabs and self.draw(st.integers(0, 3)) == 0 else ", "

    def scalar_text(self, node: Node, flow: bool) -> str:
        value = node.value
        if value is None:
            spelling = node.null
            return "~" if flow and spelling in ("", "!!null") else spelling
        if isinstance(value, bool):
            return ("!!bool " if node.tag else "") + ("true" if value else "false")
        if isinstance(value, int):
            return f'!!int "{value}"' if node.tag else str(value)
        text = str(value)
        tag = "!!str " if node.tag else ""
        if _PLAIN.match(text) and text.lower() not in _RESERVED and ": " not in text \
                and not text.endswith((" ", ":")) and "  " not in text \
                and not (flow and any(c in text for c in ",[]{}")):
            return tag + text
        if "'" not in text and "\n" not in text and self.draw(st.booleans()):
            return f"{tag}'{text}'"
        return tag + json.dumps(text, ensure_ascii=False)


def key_text(key: str) -> str:
    return key if re.match(r"^[A-Za-z_][A-Za-z0-9_.-]*$", key) else json.dumps(key)


@dataclass
class Project:
    files: dict[str, str]
    refusable: list[str]  # features drawn on purpose that the migration may refuse


# --- strategies ---------------------------------------------------------------------------

names = st.sampled_from(["main", "api", "web", "queue", "mail", "cache", "db", "search"])
texts = st.one_of(st.sampled_from(WORDS), st.text(alphabet="abcdé名 -", min_size=1, max_size=8),
                  st.builds(lambda n: "long " * n, st.integers(210, 260)))


@st.composite
def a_scalar(draw: st.DrawFn, values: st.SearchStrategy[Any] = texts) -> Node:
    value = draw(values)
    return scalar(value, tag=draw(st.integers(0, 4)) == 0,
                  comment=draw(st.sampled_from([None, None, None, "note"])))


@st.composite
def a_null(draw: st.DrawFn) -> Node:
    return scalar(None, null=draw(st.sampled_from(NULLS)))


@st.composite
def env(draw: st.DrawFn) -> Node:
    keys = draw(st.lists(st.sampled_from(["A", "B", "LOCAL", "size", "名前", "x y"]),
                         unique=True, max_size=3))
    return mapping([(key, draw(a_scalar(st.one_of(texts, st.integers(0, 99),
                                                  st.booleans())))) for key in keys],
                   flow=draw(st.booleans()))


@st.composite
def mounts(draw: st.DrawFn) -> Node:
    items = []
    for path in draw(st.lists(st.sampled_from(["web/files", "private", "tmp", "var"]),
                              unique=True, max_size=2)):
        if draw(st.booleans()):
            items.append((f"/{path}", scalar(f"shared:files/{path}")))
        else:
            items.append((path, mapping([
                ("source", scalar(draw(st.sampled_from(["local", "tmp", "storage"])),
                                  tag=draw(st.integers(0, 4)) == 0)),
                ("source_path", scalar(path.replace("/", "-")))], flow=draw(st.booleans()))))
    return mapping(items, flow=draw(st.integers(0, 3)) == 0)


@st.composite
def relationships(draw: st.DrawFn, services: list[str]) -> Node:
    items = []
    for name in draw(st.lists(st.sampled_from(["database", "redis", "search", "other"]),
                              unique=True, max_size=3)):
        target = draw(st.sampled_from([*services, "main"]))
        form = draw(st.integers(0, 2))
        items.append((name, scalar(f"{target}:mysql", tag=draw(st.integers(0, 4)) == 0)
                      if form == 0 else mapping([("service", scalar(target)),
                                                 ("endpoint", scalar("mysql"))], flow=True)
                      if form == 1 else draw(a_null())))
    return mapping(items, flow=draw(st.integers(0, 3)) == 0)


@st.composite
def worker(draw: st.DrawFn, services: list[str], base: Node | None) -> Node:
    items: list[tuple[str, Node]] = []
    if base is None or draw(st.booleans()):
        command = draw(st.sampled_from(["php worker.php", "run --queue", "line one\nline two"]))
        items.append(("commands", mapping([("start", scalar(command, block_text=True))])))
    if draw(st.booleans()):
        items.append(("size", scalar(draw(st.sampled_from(["S", "M", "L"])))))
    if draw(st.integers(0, 3)) == 0:
        items.append(("disk", scalar(draw(st.integers(128, 1024)))))
    if draw(st.booleans()):
        items.append(("relationships", draw(relationships(services))))
    if draw(st.booleans()):
        items.append(("variables", mapping([("env", draw(env()))])))
    return mapping(items, merges=[base] if base is not None else [],
                   merge_style=draw(st.sampled_from(["<<", "!!merge <<", "list"])),
                   flow=draw(st.integers(0, 5)) == 0)


@st.composite
def crons(draw: st.DrawFn) -> Node:
    items = []
    for name in draw(st.lists(st.sampled_from(["job", "local", "size"]), unique=True,
                              max_size=2)):
        key = draw(st.sampled_from(["cmd", "commands"]))
        command = scalar(draw(st.sampled_from(["echo hi", "php cron.php", "a\nb"])),
                         block_text=draw(st.booleans()), tag=draw(st.integers(0, 4)) == 0)
        body = [("spec", scalar("H * * * *")), (key, command)]
        if key == "cmd" and draw(st.booleans()):
            body.append(("commands", draw(a_null())))
        items.append((name, mapping(body, flow=draw(st.integers(0, 3)) == 0)))
    return mapping(items)


@st.composite
def web(draw: st.DrawFn) -> Node:
    if draw(st.booleans()):
        return mapping([("document_root", scalar(draw(st.sampled_from(["/public", "web/"])))),
                        ("passthru", scalar("/index.php")),
                        *([("whitelist", listed([scalar(r"\.css$"), scalar(r"\.js$")]))]
                          if draw(st.booleans()) else [])])
    location = mapping([("root", scalar("public")), ("passthru", scalar(True, tag=draw(
        st.integers(0, 3)) == 0))], flow=draw(st.booleans()))
    return mapping([("locations", mapping([("/", location)]))])


@st.composite
def application(draw: st.DrawFn, name: str, services: list[str], nested: bool,
                refusable: list[str]) -> Node:
    items: list[tuple[str, Node]] = []
    template = mapping([("commands", mapping([("start", scalar("php base.php"))])),
                        ("size", scalar("S"))], anchor="base")  # the same names in every
    shared_env = draw(env())  # file: nested into one config, they are renamed
    shared_env.anchor = "env"
    use_templates = draw(st.booleans())
    if use_templates:  # kept in a key Upsun does not accept: the anchors must move
        items.append((draw(st.sampled_from(["x-templates", ".defaults"])),
                      mapping([("worker", template), ("env", shared_env)])))
    items.append(("name", scalar(name, tag=draw(st.integers(0, 4)) == 0)))  # (see `projects`)
    items.append(("type", scalar(draw(st.sampled_from(["php:8.4", "python:3.13"])))))
    if nested or draw(st.integers(0, 3)) == 0:
        items.append(("source", mapping([("root", draw(a_null()))],
                                        flow=draw(st.integers(0, 3)) == 0)))
    for key, strategy in (("size", st.sampled_from(["S", "M", "L"])),
                          ("disk", st.integers(256, 4096))):
        if draw(st.booleans()):
            items.append((key, scalar(draw(strategy))))
    items.append(("relationships", draw(relationships(services))))
    items.append(("mounts", draw(mounts())))
    if use_templates:
        variables = mapping([("env", mapping([("EXTRA", scalar("1"))],
                                             merges=[shared_env]))])
    else:
        variables = mapping([("env", shared_env)])
    items.append(("variables", variables))
    if draw(st.booleans()):
        items.append(("hooks", mapping([("build", scalar("set -e\nmake", block_text=True))])))
    if draw(st.booleans()):
        items.append(("crons", draw(crons())))
    if draw(st.booleans()):
        items.append(("web", draw(web())))
    workers: list[tuple[str, Node]] = []
    base = template if use_templates else None
    for worker_name in draw(st.lists(st.sampled_from(["queue", "mail"]), unique=True,
                                     max_size=2)):
        built = draw(worker(services, base))
        if base is None and not workers and draw(st.booleans()):
            built.anchor, base = "worker", built  # a worker the next one merges
        workers.append((worker_name, built))
    if workers:
        items.append(("workers", mapping(workers)))
    return mapping(items)


@st.composite
def applications_file(draw: st.DrawFn, names: list[str], services: list[str],
                      refusable: list[str], tabs: bool) -> str:
    """`.platform/applications.yaml`: a map of apps by name, or a list of apps with a `name`,
    the second built on the first (`<<: *first`), in block or flow style."""
    first = draw(application(names[0], services, False, refusable))
    first.anchor = "first"
    second = mapping([("type", scalar("python:3.13"))], merges=[first],
                     merge_style=draw(st.sampled_from(["<<", "!!merge <<"])))
    if draw(st.booleans()):  # a map keyed by name: `name` entries are not needed
        first.items = [(k, v) for k, v in (first.items or []) if k != "name"]
        writer = Writer(draw, tabs)
        return writer.document(mapping([(names[0], first), (names[1], second)]))
    assert second.items is not None
    second.items.insert(0, ("name", scalar(names[1])))
    writer = Writer(draw, tabs)
    lines = ["- " + writer.define(first).strip(), *writer.block_mapping(first, 2)]
    body = writer.block_mapping(second, 2)
    lines += ["-" + body[0][1:], *body[1:]]
    return "".join(line + "\n" for line in lines)


@st.composite
def services_file(draw: st.DrawFn, names: list[str], files: dict[str, str],
                  refusable: list[str], includes: bool = True) -> Node:
    items: list[tuple[str, Node]] = []
    shared: Node | None = None
    template: Node | None = None
    if draw(st.integers(0, 5)) == 0:  # a service used as a template of another's settings
        template = mapping([("type", scalar("solr:9.9")),
                            ("conf_dir", scalar("conf"))], anchor="base", flow=True)
        items.append((".template", template))
        refusable.append(r"merges \(`<<`\) the value at line")
    for name in names:
        body = [("type", scalar(draw(st.sampled_from(["mariadb:11.4", "postgresql:17"]))))]
        if draw(st.booleans()):
            body.append(("disk", scalar(draw(st.integers(256, 2048)))))
        if shared is None:
            shared = mapping([("schemas", listed([scalar("main")]))], anchor="config",
                             flow=draw(st.booleans()))
            body.append(("configuration", shared))
        elif template is not None:
            body.append(("configuration", mapping([("extra", scalar(1))], merges=[template])))
        elif draw(st.booleans()):
            body.append(("configuration", shared))
        items.append((name, mapping(body, flow=draw(st.integers(0, 3)) == 0)))
    if includes and draw(st.integers(0, 3)) == 0:  # a service in a file of its own
        files[".platform/cache.yaml"] = "type: redis:8.0\n"
        items.append(("kv", scalar("cache.yaml", include=True)))
    return mapping(items)


@st.composite
def routes_file(draw: st.DrawFn, app: str, files: dict[str, str],
                includes: bool = True) -> Node:
    main = mapping([("type", scalar("upstream")), ("upstream", scalar(f"{app}:http"))],
                   anchor="route", flow=draw(st.booleans()))
    items = [("https://{default}/", main)]
    if draw(st.booleans()):
        static = mapping([("type", scalar("upstream")), ("upstream", scalar(f"{app}:http")),
                          ("cache", mapping([("enabled", scalar(False))], flow=True))],
                         anchor="static", flow=draw(st.booleans()))
        items.append(("https://static.{default}/", static))
        items.append(("https://api.{default}/", mapping(
            [("id", draw(a_null()))], merges=[static, main], merge_style="list")))
    if draw(st.booleans()):
        items.append(("https://www.{default}/", mapping(
            [("id", draw(a_null())), ("primary", draw(a_null()))], merges=[main],
            flow=draw(st.booleans()))))
    if draw(st.booleans()):
        items.append(("http://{default}/", main))  # an alias of the whole route
    if draw(st.booleans()):  # TLS settings that are all nulls, shared by two routes
        tls = mapping([("min_version", draw(a_null())),
                       ("client_authentication", draw(a_null()))], anchor="tls",
                      flow=draw(st.booleans()))
        for url in ("https://a.{default}/", "https://b.{default}/"):
            items.append((url, mapping([("type", scalar("upstream")),
                                        ("upstream", scalar(f"{app}:http")), ("tls", tls)])))
    if includes and draw(st.integers(0, 3)) == 0:  # a route in a file of its own, aliased
        files[".platform/redirect.yaml"] = "type: redirect\nto: https://{default}/\n"
        redirect = scalar("redirect.yaml", include=True, anchor="redirect")
        items += [("http://www.{default}/", redirect), ("http://old.{default}/", redirect)]
    return mapping(items)


@st.composite
def framing(draw: st.DrawFn) -> tuple[str, str, bool]:
    """Directives and markers around a document: (before, after, uses the %TAG handle)."""
    before = ""
    if draw(st.booleans()):
        before += draw(st.sampled_from(["%YAML 1.2\n", "%YAML 1.1\n"]))
    tagged = draw(st.booleans())
    if tagged:
        before += "%TAG !e! tag:yaml.org,2002:\n%TAG !pl! !\n"
    if before or draw(st.booleans()):
        before += "---" + draw(st.sampled_from(["", " # start", " !!map"])) + "\n"
    after = draw(st.sampled_from(["", "", "...\n", "... # end\n"]))
    return before, after, tagged


@st.composite
def projects(draw: st.DrawFn, includes: bool = True) -> Project:
    """`includes`: services and routes written `!include file.yaml` too (the official CLI's
    validation reads such a value as the string it is written as)."""
    services = draw(st.lists(st.sampled_from(["db", "search", "cache"]), unique=True,
                             max_size=2))
    refusable: list[str] = []
    tabs = draw(st.integers(0, 4)) == 0
    files: dict[str, str] = {}
    app_names = draw(st.lists(names.filter(lambda n: n not in services), min_size=1,
                              max_size=2, unique=True))
    if draw(st.integers(0, 7)) == 0:  # longer than a simple key may be: `? name`
        app_names[0] = "app-" + "x" * 1100
    if len(app_names) > 1 and draw(st.booleans()):
        files[".platform/applications.yaml"] = _framed(draw, draw(applications_file(
            app_names, services, refusable, tabs)))
    else:
        for index, name in enumerate(app_names):
            nested = index > 0
            root = draw(application(name, services, nested, refusable))
            files[f"{name}/.platform.app.yaml" if nested else ".platform.app.yaml"] = \
                _framed(draw, Writer(draw, tabs).document(root))
    if services:
        files[".platform/services.yaml"] = _framed(
            draw, Writer(draw, tabs).document(draw(services_file(services, files, refusable,
                                                                  includes))))
    files[".platform/routes.yaml"] = _framed(
        draw, Writer(draw, tabs).document(draw(routes_file(app_names[0], files, includes))))
    if draw(st.integers(0, 3)) == 0:
        files = {rel: text.replace("\n", "\r\n") for rel, text in files.items()}
    return Project(files, refusable)


def _framed(draw: st.DrawFn, text: str) -> str:
    before, after, tagged = draw(framing())
    if text.startswith("- "):  # a list: a tag of mappings does not fit it
        before = before.replace(" !!map", "")
    if tagged:
        text = text.replace("!!str ", "!e!str ").replace("!!int ", "!e!int ") \
            .replace("!include ", "!pl!include ")
    return before + text + after
