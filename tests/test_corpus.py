"""Every real-world project of the corpus (tests/corpus/) migrates to a valid config, or fails on purpose.

The corpus is used as it is, read-only: the pipeline writes nothing. The schema check here
accepts any runtime or service version; which versions Upsun still runs is another check. The
default (`dev`) run reads a sample and every intended failure; CI (`ci` profile) the whole corpus.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from migrator.errors import MigratorError
from migrator.legacy.discovery import load_project
from migrator.migration.pipeline import Metadata, migrate
from migrator.model import Settings
from migrator.upsun.registry import Registry
from migrator.yamltext.nodes import Mapping, Scalar
from tests import second_parser
from tests.conftest import CORPUS, REGISTRY, corpus_sample, legacy_data
from tests.upsun_schema import load_config, schema_errors

MANIFEST = json.loads((CORPUS / "MANIFEST.json").read_text(encoding="utf-8"))
IDS = [entry["id"] for entry in MANIFEST]

_MISSING = "the corpus keeps only the YAML files, not the file this one includes"
#: id -> (the one-line error expected, why it is the right outcome)
INTENDED_FAILURES: dict[str, tuple[str, str]] = {
    "AcroMedia__commerce-demo": (
        ".platform/services.yaml:19: !archive names .platform/solr-conf/6.x, which does not "
        "exist", _MISSING),
    "AcroMedia__kickstart-base": (
        ".platform/services.yaml:19: !archive names .platform/solr-conf/6.x, which does not "
        "exist", _MISSING),
    "Elastic-Suite__gally": (
        ".platform/services.yaml:29: !include names .platform/default.vcl, which does not exist",
        _MISSING),
    "ilrWebServices__ilr_platform_multiapp": (
        ".platform/services.yaml:23: !include names .platform/config.vcl, which does not exist",
        _MISSING),
    "lando__platformsh/examples/varnish-6.3": (
        ".platform/services.yaml:6: !include names .platform/config.vcl, which does not exist",
        _MISSING),
    "lando__platformsh/examples/solr-8.6": (
        ".platform/services.yaml:11: !archive names .platform/core1-conf, which does not exist",
        _MISSING),
    "platformsh__language-examples": (
        ".platform/services.yaml:59: !archive names .platform/solr-config, which does not exist",
        _MISSING),
    "platformsh-examples__multi-app-load-balancing": (
        ".platform/services.yaml:12: !include names .platform/config.vcl, which does not exist",
        _MISSING),
    "HHMI-HQ__BI-assessment-builder": (
        "no legacy Platform.sh application found (looked for .platform.app.yaml and "
        ".platform/applications.yaml)",
        "the configuration lives in packages/client/ and packages/server/, each its own "
        "project: migrate those folders"),
    "ddev__ddev-platformsh/tests/testdata": (
        "two applications are named 'drupal': .platform.app.yaml and "
        "mismatched-database/.platform.app.yaml",
        "a folder of test projects, each with an app named drupal: not one repository"),
    "mglavind__FDFKursusAdmin": (
        "two applications are named 'app': .platform.app.yaml and .platform/pip.app.yaml",
        "both the root app file and applications.yaml define `app`; Platform.sh would refuse it"),
}
#: The projects read here: the whole corpus in the `ci` profile, a sample and every intended
#: failure in `dev` (tests/conftest.py).
SAMPLE = corpus_sample(IDS, keep=INTENDED_FAILURES)


@pytest.mark.parametrize("project_id", SAMPLE)
def test_corpus_project(project_id: str) -> None:
    root = CORPUS / project_id
    if project_id in INTENDED_FAILURES:
        expected, _reason = INTENDED_FAILURES[project_id]
        with pytest.raises(MigratorError) as failure:
            migrate(root, Settings())
        assert str(failure.value).endswith(expected)
        return
    result = migrate(root, Settings())
    tree = _load_output(result.config_text)
    assert schema_errors(_config_data(result.config_text), versions=False) == []
    _assert_untouched_values(root, second_parser.plain(tree))


def _load_output(text: str) -> Any:
    """The output as ruamel.yaml reads it (a parser independent of the engine's). ruamel.yaml's
    round-trip loader refuses one construct libyaml and Platform.sh accept (keycloak: a block
    scalar whose first line holds only spaces, fewer than the text after it); that one file is
    read with ruamel.yaml's safe loader on its C parser (libyaml) into ruamel's containers
    instead."""
    try:
        return second_parser.load(text)
    except YAMLError as error:
        if "more indented follow up line" not in str(error):
            raise
    return _commented(YAML(typ="safe").load(text))


def _config_data(text: str) -> Any:
    """Plain data for the schema oracle (the same fallback as `_load_output` for keycloak)."""
    try:
        return load_config(text)
    except Exception as error:  # noqa: BLE001 - ruamel.yaml's own error classes
        if "more indented follow up line" not in str(error):
            raise
    return json.loads(json.dumps(_load_output(text)))


def _commented(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        return CommentedMap((k, _commented(v)) for k, v in value.items())
    if isinstance(value, list):
        return CommentedSeq(_commented(v) for v in value)
    return value


def test_intended_failures_are_in_the_corpus() -> None:
    assert set(INTENDED_FAILURES) <= set(IDS)


APP_VALUES = ("variables", "hooks", "build", "dependencies", "runtime", "type", "timezone",
              "access", "firewall", "additional_hosts")


def _assert_untouched_values(root: Path, output: dict[str, Any]) -> None:
    """Values no rule is about come out equal to what went in (compared on a fresh parse)."""
    legacy = load_project(root)
    for app in legacy.apps:
        before, after = legacy_data(app.mapping), output["applications"][app.name]
        for key in APP_VALUES:
            assert after.get(key) == before.get(key), (app.name, key)
        for name, cron in (before.get("crons") or {}).items():
            assert after["crons"][name]["spec"] == cron["spec"]
        for name, worker in (before.get("workers") or {}).items():
            assert after["workers"][name].get("variables") == worker.get("variables")
    if legacy.services:
        for name, service in legacy_data(legacy.services.node).items():
            assert output["services"][name].get("configuration") == service.get("configuration")
            assert output["services"][name]["type"] == service["type"]
    if legacy.routes:
        routes = legacy_data(legacy.routes.node)
        assert list(output.get("routes", {})) == list(routes)
        for url, route in routes.items():
            for key in ("type", "upstream", "to", "cache", "ssi", "redirects", "attributes"):
                assert output["routes"][url].get(key) == route.get(key), (url, key)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry(json.loads(REGISTRY.read_text(encoding="utf-8")))


@pytest.mark.parametrize("project_id", [i for i in SAMPLE if i not in INTENDED_FAILURES])
def test_corpus_project_upgraded_passes_the_full_schema(project_id: str, registry: Registry
                                                        ) -> None:
    result = migrate(CORPUS / project_id, Settings(upgrade_retired=True),
                     Metadata(registry=registry))
    errors = schema_errors(_config_data(result.config_text))
    if project_id in NO_UPGRADE_PATH:
        message = NO_UPGRADE_PATH[project_id]
        assert [f.message for f in result.findings if f.code == "UPS201"] == [message]
        assert len(errors) == 1
        return
    assert errors == []


#: Projects whose runtime Upsun does not run in any version: reported, not upgraded.
NO_UPGRADE_PATH = {
    "platformsh-templates__lisp":
        "lisp:2.1: Upsun's image registry has no image 'lisp': will not deploy",
}


#: What UPS201 says of a version, by its status on Upsun (issue 22): retired versions still
#: deploy; decommissioned and unlisted versions, and unknown images, do not.
SEVERITY = {"supported": None, "deprecated": "warning", "retired": "warning",
            "decommissioned": "error", "unlisted": "error", "unknown image": "error"}


def _status(registry: Registry, type_: str) -> str:
    image, version = registry.image(type_)
    if image not in registry.data:
        return "unknown image"
    entry = registry.data[image]["versions"].get(version)
    return entry["upsun"]["status"] if entry else "unlisted"


@pytest.mark.parametrize("project_id", [i for i in SAMPLE if i not in INTENDED_FAILURES])
def test_corpus_versions_get_the_severity_of_their_status(project_id: str,
                                                          registry: Registry) -> None:
    """Each app's and service's `type:` line carries the UPS201 finding its status calls for
    (the statuses read from the registry here, not through the checks)."""
    root = CORPUS / project_id
    result = migrate(root, Settings(), Metadata(registry=registry))
    legacy = load_project(root)
    typed = [(app.source, app.mapping) for app in legacy.apps]
    if legacy.services is not None:
        typed += [(legacy.included.get(name, legacy.services.source),
                   legacy.included[name].doc.root if name in legacy.included else node)
                  for name, node in legacy.services.node.items()]
    expected = {}
    for source, node in typed:
        entry = node.entry("type") if isinstance(node, Mapping) else None
        if entry is not None and isinstance(entry[1], Scalar) and entry[1].tag is None:
            where = (source.rel, source.line(entry[0].start))
            expected[where] = SEVERITY[_status(registry, entry[1].value)]
    found = {(f.location.file, f.location.line): f.severity.value for f in result.findings
             if f.code == "UPS201" and not f.message.startswith("stack:")}
    assert found == {where: severity for where, severity in expected.items() if severity}
