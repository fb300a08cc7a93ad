"""The built-in validator agrees with jsonschema, the reference implementation."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from migrator.errors import MigratorError
from migrator.minischema import Validator
from migrator.model import Settings
from migrator.pipeline import migrate
from migrator.validate import RUNTIME_URL, SERVICE_URL, Schema, instance
from tests.conftest import CORPUS, SCHEMAS
from tests.test_corpus import IDS, _load_output


@pytest.fixture(scope="module")
def schemas() -> tuple[Validator, jsonschema.Draft7Validator]:
    schema = Schema.from_files(SCHEMAS / "upsun.json", SCHEMAS / "runtime-versions.json",
                               SCHEMAS / "service-versions.json")
    remote = {RUNTIME_URL: schema.runtime_versions, SERVICE_URL: schema.service_versions}
    registry = Registry().with_resources(
        [(url, Resource.from_contents(doc, DRAFT7)) for url, doc in remote.items()])
    return (Validator(schema.document, remote),
            jsonschema.Draft7Validator(schema.document, registry=registry))


def _agree(data: Any, schemas: tuple[Validator, jsonschema.Draft7Validator]) -> list[str]:
    ours = sorted({".".join(map(str, e.path)) for e in schemas[0].errors(data)})
    reference = sorted({".".join(map(str, e.absolute_path)) for e in schemas[1].iter_errors(data)})
    assert ours == reference
    return ours


def test_agrees_on_every_corpus_output(schemas: tuple[Validator, jsonschema.Draft7Validator]
                                       ) -> None:
    invalid = 0
    for project_id in IDS:
        try:
            result = migrate(CORPUS / project_id, Settings())
        except MigratorError:
            continue
        invalid += bool(_agree(instance(_load_output(result.config_text)), schemas))
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
