"""The built-in validator agrees with jsonschema, the reference implementation."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from migrator.errors import MigratorError
from migrator.migration.pipeline import migrate
from migrator.model import Settings
from migrator.upsun import minischema
from migrator.upsun.instance import build
from migrator.upsun.minischema import UNIMPLEMENTED, UnsupportedSchema, Validator
from migrator.upsun.upsunfiles import RUNTIME_URL, SERVICE_URL
from migrator.upsun.validate import Schema
from migrator.yamltext.nodes import to_data
from migrator.yamltext.parse import parse
from tests.conftest import CORPUS, SCHEMAS, run, tree, write_files
from tests.test_corpus import IDS, SAMPLE


@pytest.fixture(scope="module")
def schemas() -> tuple[Validator, jsonschema.Draft7Validator]:
    schema = Schema.from_files(SCHEMAS / "upsun.json", SCHEMAS / "runtime-versions.json",
                               SCHEMAS / "service-versions.json")
    remote = {RUNTIME_URL: schema.runtime_versions, SERVICE_URL: schema.service_versions}
    registry = Registry().with_resources(
        [(url, Resource.from_contents(doc, DRAFT7)) for url, doc in remote.items()])
    return (Validator(schema.document, remote),
            jsonschema.Draft7Validator(schema.document, registry=registry))


def _instance(config_text: str) -> Any:
    """The output as the schema checks it, with its includes read as empty mappings."""
    document = parse(config_text, ".upsun/config.yaml")
    return build(to_data(document.root), lambda path: None, document.nodes)


def _agree(data: Any, schemas: tuple[Validator, jsonschema.Draft7Validator]) -> list[str]:
    ours = sorted({".".join(map(str, e.path)) for e in schemas[0].errors(data)})
    reference = sorted({".".join(map(str, e.absolute_path)) for e in schemas[1].iter_errors(data)})
    assert ours == reference
    return ours


def test_agrees_on_every_corpus_output(schemas: tuple[Validator, jsonschema.Draft7Validator]
                                       ) -> None:
    """The whole corpus in the `ci` profile, a sample in `dev` (tests/conftest.py)."""
    invalid = 0
    for project_id in SAMPLE:
        try:
            result = migrate(CORPUS / project_id, Settings())
        except MigratorError:
            continue
        invalid += bool(_agree(_instance(result.config_text), schemas))
    assert invalid > 0  # projects naming versions Upsun does not list: both validators see them


@pytest.mark.parametrize("config", [
    {"applications": {"app": {"type": "php:8.3", "size": 3}}},
    {"applications": {"app": {"type": "php:8.3", "crons": {"x": {"spec": "H", "commands": {}}}}}},
    {"applications": {"app": {"type": "php:8.3", "mounts": {"/x": "shared:files/x"}}}},
    {"applications": {"app": {"type": "php:8.3", "relationships": {"db": 3}}}},
    {"applications": {"app": {"type": "php:9.9", "workers": {"w": {"disk": 1}}}}},
    {"applications": {}, "routes": {"https://{default}/": {"type": "upstream"}}},
    {"applications": {}, "services": {"db": {"type": "mariadb:11.4", "disk": 1}}},
    {"routes": None},
    {"applications": {"a": {"crons": {"c": {"spec": "H", "timeout": 90000}}}}},
])
def test_agrees_on_invalid_configs(config: dict[str, Any],
                                   schemas: tuple[Validator, jsonschema.Draft7Validator]) -> None:
    assert _agree(json.loads(json.dumps(config)), schemas) != []


# --- refusing what it does not implement (the schema may be downloaded at run time) ---

DRAFT_07_URI = "http://json-schema.org/draft-07/schema#"


def _nested(keyword: str) -> dict[str, Any]:
    """A schema using `keyword` where the validator reaches it only through a $ref."""
    return {"$schema": DRAFT_07_URI, "properties": {"applications": {"$ref": "#/definitions/a"}},
            "definitions": {"a": {"type": "object", keyword: 1}}}


@pytest.mark.parametrize("keyword", sorted(UNIMPLEMENTED))
def test_refuses_a_keyword_it_does_not_implement(keyword: str) -> None:
    with pytest.raises(UnsupportedSchema) as refused:
        Validator(_nested(keyword), {})
    assert str(refused.value) == (
        f"the schema uses the JSON-Schema keyword {keyword!r} at #/definitions/a, which the "
        "built-in validator does not implement (validation would ignore it)")


def test_an_audited_schema_is_not_walked_again() -> None:
    """The pipeline's validator is built from a schema `published.get` audited when it read it."""
    schema = _nested("uniqueItems")
    assert list(Validator(schema, {}, audited=True).errors({"applications": 1})) == [
        (("applications",), "1 is not of type 'object'")]


def test_the_pipeline_audits_a_schema_published_get_did_not_read(tmp_path: Path) -> None:
    from migrator.cli.inputs import load_metadata
    from migrator.migration.pipeline import Metadata, migrate
    from migrator.model import Settings

    (tmp_path / ".platform.app.yaml").write_text("name: app\ntype: 'php:8.3'\n")
    with pytest.raises(UnsupportedSchema, match="'not' at #/definitions/a"):
        migrate(tmp_path, Settings(), Metadata(schema=_nested("not")))
    assert load_metadata(None, None).schema_audited


def test_unreachable_definitions_and_annotations_are_not_refused() -> None:
    schema = {"$schema": DRAFT_07_URI, "title": "t", "nullable": True, "x-order": 1,
              "definitions": {"unused": {"patternProperties": {}}},
              "properties": {"a": {"description": "d", "default": 1, "deprecationMessage": "m",
                                   "format": "uri", "examples": [1]}}}
    assert list(Validator(schema, {}).errors({"a": 1})) == []


@pytest.mark.parametrize(("schema", "message"), [
    ({"$schema": "https://json-schema.org/draft/2020-12/schema"},
     "the schema declares $schema 'https://json-schema.org/draft/2020-12/schema'; only JSON "
     "Schema draft-07 is supported"),
    ({"items": [{"type": "string"}]},
     "#: 'items' as a list (tuple validation) is not implemented"),
    ({"properties": {"a": {"type": "strnig"}}}, "#/properties/a: unknown type 'strnig'"),
    ({"properties": {"a": {"$ref": "https://example.invalid/other"}}},
     "#/properties/a: cannot resolve $ref 'https://example.invalid/other'"),
    ({"properties": {"a": {"$ref": "#/definitions/missing"}}},
     "#/properties/a: cannot resolve $ref '#/definitions/missing'"),
    ({"anyOf": [{"pattern": "(?<"}]},
     "#/anyOf/0: pattern '(?<' is not a regular expression Python reads"),
])
def test_refuses_what_it_would_misread(schema: dict[str, Any], message: str) -> None:
    with pytest.raises(UnsupportedSchema) as refused:
        Validator(schema, {})
    assert str(refused.value) == message


def test_the_shipped_schemas_are_accepted() -> None:
    for name in ("upsun.json", "upsun-cli.json"):
        schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
        Validator(schema, {RUNTIME_URL: {"type": "string"}, SERVICE_URL: {"type": "string"}})


@pytest.mark.parametrize("command", ["migrate", "validate"])
def test_a_schema_it_cannot_apply_is_a_one_line_error(command: str, project: Path) -> None:
    schema = json.loads((SCHEMAS / "upsun.json").read_text(encoding="utf-8"))
    schema["properties"]["applications"]["minProperties"] = 1
    bad = project.parent / "schema.json"
    bad.write_text(json.dumps(schema), encoding="utf-8")
    write_files(project, {".platform.app.yaml": "name: app\ntype: 'php:8.4'\n"} if
                command == "migrate" else {".upsun/config.yaml": "applications: {}\n"})
    before = tree(project)
    result = run(command, project, "--schema", bad)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", (
        f"error: {bad}: not an Upsun schema (the schema uses the JSON-Schema keyword "
        "'minProperties' at #/properties/applications, which the built-in validator does not "
        "implement (validation would ignore it))\n"))
    assert tree(project) == before


# --- the differential test: minischema and jsonschema agree on valid / invalid ---

KEYS = st.sampled_from(["a", "b", "c"])
JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3),
                         st.sampled_from([0.0, 1.0, 1.5, -2.5]), st.sampled_from(["", "a", "ab",
                                                                                  "1", "x-y"]))
JSON = st.recursive(JSON_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3)), max_leaves=8)
TYPES = st.sampled_from(["object", "array", "string", "boolean", "integer", "number", "null"])
LEAVES = st.one_of(
    st.builds(lambda t: {"type": t}, st.one_of(TYPES, st.lists(TYPES, min_size=1, max_size=3))),
    st.builds(lambda v: {"enum": v}, st.lists(JSON, min_size=1, max_size=3)),
    st.builds(lambda v: {"const": v}, JSON),
    st.builds(lambda n: {"minimum": n}, st.integers(-2, 2)),
    st.builds(lambda n: {"maximum": n}, st.sampled_from([-1, 0, 1.5])),
    st.builds(lambda p: {"pattern": p}, st.sampled_from(["^a", "b$", "[0-9]", "^$"])),
    st.just({}), st.booleans())


def _compound(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(lambda props, extra, required: {"properties": props,
                                                  "additionalProperties": extra,
                                                  "required": required},
                  st.dictionaries(KEYS, inner, max_size=2), st.one_of(st.booleans(), inner),
                  st.lists(KEYS, max_size=2, unique=True)),
        st.builds(lambda items: {"type": "array", "items": items}, inner),
        st.builds(lambda word, subs: {word: subs}, st.sampled_from(["allOf", "anyOf", "oneOf"]),
                  st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda left, right: {**left, **right} if isinstance(left, dict) and
                  isinstance(right, dict) else left, inner, inner))


SCHEMAS_ = st.recursive(LEAVES, _compound, max_leaves=6)


@given(schema=SCHEMAS_, definition=SCHEMAS_, data=JSON, through_ref=st.booleans())
def test_agrees_with_jsonschema_on_generated_schemas(schema: Any, definition: Any, data: Any,
                                                     through_ref: bool) -> None:
    if through_ref:
        schema = {"definitions": {"d": definition}, "anyOf": [{"$ref": "#/definitions/d"},
                                                             schema]}
    root = schema if isinstance(schema, dict) else {"allOf": [schema]}
    ours = not list(Validator(root, {}).errors(data))
    assert ours == jsonschema.Draft7Validator(root).is_valid(data), (root, data)


def _mutations(data: Any) -> st.SearchStrategy[Any]:
    """A corpus output with one value replaced, one key removed or one key added, somewhere."""
    paths: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        paths.append(path)
        children = node.items() if isinstance(node, dict) else enumerate(node) \
            if isinstance(node, list) else []
        for key, child in children:
            walk(child, (*path, key))

    walk(data, ())

    def mutate(path: tuple[Any, ...], how: str, value: Any) -> Any:
        copy = json.loads(json.dumps(data))
        parent = copy
        for key in path[:-1]:
            parent = parent[key]
        if not path:
            return value if how == "replace" else copy
        if how == "replace":
            parent[path[-1]] = value
        elif how == "remove" and isinstance(parent, dict):
            del parent[path[-1]]
        elif how == "add" and isinstance(parent[path[-1]], dict):
            parent[path[-1]]["added"] = value
        return copy

    return st.builds(mutate, st.sampled_from(paths), st.sampled_from(["replace", "remove", "add"]),
                     st.one_of(JSON, st.sampled_from(["storage", "local", "php:8.4", "upstream",
                                                      "mariadb:11.4", "app:http"])))


@pytest.fixture(scope="module")
def corpus_outputs() -> list[Any]:
    outputs = []
    for project_id in IDS[:40]:
        try:
            result = migrate(CORPUS / project_id, Settings())
        except MigratorError:
            continue
        outputs.append(_instance(result.config_text))
    return outputs


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_agrees_with_jsonschema_on_mutated_corpus_outputs(
        data: st.DataObject, corpus_outputs: list[Any],
        schemas: tuple[Validator, jsonschema.Draft7Validator]) -> None:
    output = data.draw(st.sampled_from(corpus_outputs))
    mutated = data.draw(_mutations(output))
    ours = not list(schemas[0].errors(mutated))
    assert ours == schemas[1].is_valid(mutated)


# --- a hostile schema is refused or bounded, never a crash or a hang (issue 26, item 10) ---

def _applications(definitions: dict[str, Any]) -> dict[str, Any]:
    return {"definitions": definitions,
            "properties": {"applications": {"$ref": "#/definitions/a"}}}


@pytest.mark.parametrize(("schema", "message"), [
    (_applications({"a": {"$ref": "#/definitions/a"}}),
     "#/definitions/a: '#/definitions/a' comes back to itself"),
    (_applications({"a": {"anyOf": [{"type": "null"}, {"$ref": "#/definitions/b"}]},
                    "b": {"allOf": [{"$ref": "#/definitions/a"}]}}),
     "#/definitions/b/allOf/0: '#/definitions/a' comes back to itself"),
    ({"oneOf": [{"$ref": "#"}]}, "#/oneOf/0: '#' comes back to itself"),
])
def test_a_loop_of_refs_is_refused(schema: dict[str, Any], message: str) -> None:
    """Each used to be a RecursionError (exit 3) at the first value validated."""
    with pytest.raises(UnsupportedSchema, match=re.escape(message) + " through \\$ref, allOf, "
                       "anyOf or oneOf without descending into the value: validating would "
                       "never end"):
        Validator(schema, {})


def test_a_schema_that_refers_to_itself_through_a_value_is_recursive_not_a_loop() -> None:
    schema = {"type": "object", "properties": {"child": {"$ref": "#"}, "n": {"type": "integer"}}}
    nested: dict[str, Any] = {"n": 1}
    for _ in range(50):
        nested = {"child": nested}
    bad = json.loads(json.dumps(nested).replace('"n": 1', '"n": "x"'))
    assert list(Validator(schema, {}).errors(nested)) == []
    assert [e.path for e in Validator(schema, {}).errors(bad)] == [("child",) * 50 + ("n",)]
    assert jsonschema.Draft7Validator(schema).is_valid(nested)


@pytest.mark.parametrize(("schema", "message"), [
    ({"enum": 5}, "#: 'enum' must be a list"),
    ({"properties": {"a": {"minimum": "1"}}}, "#/properties/a: 'minimum' must be a number"),
    ({"maximum": True}, "#: 'maximum' must be a number"),
    ({"type": 5}, "#: 'type' must be a type name or a list of them"),
    ({"type": [{"x": 1}]}, "#: unknown type {'x': 1}"),
    ({"anyOf": []}, "#: 'anyOf' must not be empty"),
    ({"required": "name"}, "#: 'required' must be a list"),
    ({"required": [1]}, "#: 'required' must list names"),
    ({"properties": ["a"]}, "#: 'properties' must be an object"),
    ({"additionalProperties": 1}, "#: 'additionalProperties' must be a schema"),
    ({"$ref": 1}, "#: '$ref' must be a string"),
    ({"pattern": "(" * 2000}, "#: pattern '" + "(" * 2000 + "' is not a regular expression "
                                "Python reads"),
])
def test_a_keyword_with_a_value_of_the_wrong_kind_is_refused(schema: dict[str, Any],
                                                            message: str) -> None:
    """Each used to fail at validation time (TypeError, ValueError: exit 3)."""
    with pytest.raises(UnsupportedSchema) as refused:
        Validator(schema, {})
    assert str(refused.value) == message


def test_a_schema_nested_thousands_deep_is_walked() -> None:
    schema: dict[str, Any] = {"type": "integer"}
    for _ in range(3000):
        schema = {"anyOf": [schema]}
    Validator(schema, {})  # audited with its own stack
    with pytest.raises(UnsupportedSchema, match="nested too deeply for the schema's checks"):
        list(Validator(schema, {}, audited=True).errors(1))


def test_a_pattern_that_backtracks_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(minischema, "PATTERN_SECONDS", 0.2)
    schema = {"properties": {"name": {"type": "string", "pattern": "^(a+)+$"}}}
    validator = Validator(schema, {})
    assert list(validator.errors({"name": "aaaa"})) == []
    start = time.monotonic()
    with pytest.raises(UnsupportedSchema) as refused:
        list(validator.errors({"name": "a" * 40 + "!"}))
    assert time.monotonic() - start < 2
    assert str(refused.value) == (
        "the schema's pattern '^(a+)+$' took more than 0.2 s on a value of 41 characters (at "
        "name): a pattern that backtracks without end; refused")


def test_a_validation_that_runs_away_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two ways down at each level: 2**40 paths for 40 levels."""
    monkeypatch.setattr(minischema, "MAX_STEPS", 100_000)
    node = {"properties": {"a": {"$ref": "#/definitions/n"}}}
    schema = {"definitions": {"n": {"anyOf": [{**node, "required": ["b"]}, node]}},
              "$ref": "#/definitions/n"}
    value: dict[str, Any] = {}
    for _ in range(40):
        value = {"a": value}
    with pytest.raises(UnsupportedSchema, match="validating took more than 100,000 steps"):
        list(Validator(schema, {}).errors(value))


@pytest.mark.parametrize("command", ["migrate", "validate"])
def test_a_hostile_schema_is_one_line_and_exit_1(command: str, project: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(minischema, "PATTERN_SECONDS", 0.2)
    schema = json.loads((SCHEMAS / "upsun.json").read_text(encoding="utf-8"))
    schema["properties"]["applications"]["additionalProperties"]["properties"]["type"] = {
        "type": "string", "pattern": "^([a-z]+:?)+$"}
    hostile = project.parent / "schema.json"
    hostile.write_text(json.dumps(schema), encoding="utf-8")
    kind = "aaaaaaaaaaaaaaaaaaaaaaaaaaaa:8.4"
    write_files(project, {".platform.app.yaml": f"name: app\ntype: '{kind}'\n"} if
                command == "migrate" else {".upsun/config.yaml": "applications:\n  app:\n"
                                                                 f"    type: '{kind}'\n"})
    result = run(command, project, "--schema", hostile)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.endswith("took more than 0.2 s on a value of 32 characters (at "
                                  "applications.app.type): a pattern that backtracks without "
                                  "end; refused\n")


REF_TARGETS = st.sampled_from(["#/definitions/a", "#/definitions/b", "#"])
LOOPY = st.recursive(
    st.one_of(LEAVES, st.builds(lambda ref: {"$ref": ref}, REF_TARGETS)),
    _compound, max_leaves=5)


@given(a=LOOPY, b=LOOPY, root=LOOPY, data=JSON)
def test_a_schema_with_refs_anywhere_is_refused_or_agrees_with_jsonschema(
        a: Any, b: Any, root: Any, data: Any) -> None:
    """Oracle: jsonschema. When it never ends (RecursionError), we refused the schema; when we
    accept it, both give the same verdict."""
    schema = {"definitions": {"a": a, "b": b}, "allOf": [root]}
    try:
        reference: bool | None = jsonschema.Draft7Validator(schema).is_valid(data)
    except RecursionError:
        reference = None
    try:
        ours = not list(Validator(schema, {}).errors(data))
    except UnsupportedSchema:
        return  # refused: a loop (conservative: jsonschema may not have walked it here)
    assert ours == reference, (schema, data)
