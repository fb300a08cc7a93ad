"""Checks against the image registry (UPS201-UPS203), on the tests' copy of the registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from syrupy.assertion import SnapshotAssertion

from migrator.migration.pipeline import Metadata, migrate
from migrator.model import Settings
from migrator.upsun.registry import Registry
from tests.conftest import DATA, METADATA_ARGS, REGISTRY, run
from tests.rules.helpers import codes, migrated

APP = """
name: app
type: '{app}'
relationships:
    database: 'db:{endpoint}'
    admin: 'db:admin'
    self: 'app:http'
    wrong: 'app:mysql'
"""
SERVICES = """
db:
    type: '{db}'
    configuration:
        endpoints:
            admin:
                default_schema: main
                privileges:
                    main: admin
cache:
    type: 'redis-persistent:8.0'
"""


def _registry() -> Registry:
    return Registry(json.loads(REGISTRY.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def registry() -> Registry:
    return _registry()


def _run(root: Path, registry: Registry, app: str = "php:8.4", db: str = "mariadb:11.4",
         endpoint: str = "mysql", upgrade: bool = False) -> tuple[list[str], list[str]]:
    for rel, text in {".platform.app.yaml": APP.format(app=app, endpoint=endpoint),
                      ".platform/services.yaml": SERVICES.format(db=db)}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text.lstrip())
    result = migrate(root, Settings(upgrade_retired=upgrade), Metadata(registry=registry))
    findings = [line for code in ("UPS201", "UPS202", "UPS203")
                for line in codes(result.findings, code)]
    return findings, codes(result.changes, "UPS203")


def test_supported_versions_and_endpoints_pass(tmp_path: Path, registry: Registry) -> None:
    assert _run(tmp_path, registry) == ([
        "warning .platform.app.yaml:7 relationship 'wrong': app offers no endpoint 'mysql' "
        "(it offers: http)"], [])


def test_retired_and_deprecated_versions_are_warnings(tmp_path: Path, registry: Registry) -> None:
    findings, _ = _run(tmp_path, registry, app="php:7.4", db="mariadb:10.6")
    assert findings[:2] == [
        "warning .platform.app.yaml:2 php:7.4 is retired on Upsun: available but no longer "
        "maintained: no security updates, and it may be decommissioned; supported versions, "
        "nearest first: 8.4, 8.5",
        "warning .platform/services.yaml:2 mariadb:10.6 is retired on Upsun: available but no "
        "longer maintained: no security updates, and it may be decommissioned; supported "
        "versions, nearest first: 11.4, 11.8, 12.3",
    ]
    findings, _ = _run(tmp_path, registry, app="php:8.3")
    assert findings[0] == (
        "warning .platform.app.yaml:2 php:8.3 is deprecated on Upsun: no longer recommended; "
        "Upsun's sources differ on security updates (its image registry: it may receive "
        "critical security updates; its documentation: it no longer receives security updates "
        "from upstream); supported versions, nearest first: 8.4, 8.5")


def test_decommissioned_unlisted_and_unknown_versions_are_errors(tmp_path: Path,
                                                                  registry: Registry) -> None:
    findings, _ = _run(tmp_path, registry, app="php:4.0", db="redis:2.8")
    assert findings[:2] == [
        "error .platform.app.yaml:2 php:4.0: Upsun's image registry lists no version '4.0' of "
        "php (it lists 5.4, 5.5, 5.6, 7.0, 7.1, 7.2, 7.3, 7.4, 8.0, 8.1, 8.2, 8.3, 8.4, 8.5): "
        "will not deploy; supported versions, nearest first: 8.4, 8.5",
        "error .platform/services.yaml:2 redis:2.8 is decommissioned on Upsun: no longer "
        "available: will not deploy; supported versions, nearest first: 8.0, 8.8",
    ]
    findings, _ = _run(tmp_path, registry, db="cassandra:3")
    assert findings[0] == ("error .platform/services.yaml:2 cassandra:3: Upsun's image registry "
                           "has no image 'cassandra': will not deploy")
    findings, _ = _run(tmp_path, registry, app="php")
    assert findings[0] == (
        "error .platform.app.yaml:2 php names no version (Upsun's image registry lists php 5.4, "
        "5.5, 5.6, 7.0, 7.1, 7.2, 7.3, 7.4, 8.0, 8.1, 8.2, 8.3, 8.4, 8.5): will not deploy; "
        "supported versions, nearest first: 8.4, 8.5")


def test_a_runtime_as_a_service_and_a_service_as_an_app_are_errors(tmp_path: Path,
                                                                   registry: Registry) -> None:
    findings, _ = _run(tmp_path, registry, app="mariadb:11.4", db="php:8.4")
    assert findings[:2] == [
        "error .platform.app.yaml:2 mariadb:11.4 is a service image on Upsun, not an "
        "application runtime: will not deploy",
        "error .platform/services.yaml:2 php:8.4 is an application runtime on Upsun, not a "
        "service image: will not deploy"]


#: What UPS201 reports for each status, as Upsun defines the statuses (issue 22).
EXPECTED = {"supported": None, "deprecated": "warning", "retired": "warning",
            "decommissioned": "error"}


def test_every_registry_version_gets_the_severity_of_its_status(registry: Registry) -> None:
    """The whole registry: each version of each image, as an app or a service as its image
    is; the finding names the supported versions unless the version is one."""
    from migrator.rules.images import version_problem

    seen = set()
    for image, entry in registry.data.items():
        for version, data in entry["versions"].items():
            status = data["upsun"]["status"]
            problem = version_problem(registry, f"{image}:{version}",
                                      not registry.is_runtime(image))
            seen.add(status)
            if EXPECTED[status] is None:
                assert problem is None
                continue
            assert problem is not None
            message, severity = problem
            assert severity.value == EXPECTED[status], (image, version)
            assert message.startswith(f"{image}:{version} is {status} on Upsun: ")
            supported = registry.supported(f"{image}:{version}")
            assert message.endswith(f"; supported versions, nearest first: {', '.join(supported)}"
                                    if supported else f"; Upsun lists no supported version of "
                                    f"{image}")
    assert seen == set(EXPECTED)


@given(st.data())
def test_a_version_the_registry_does_not_list_is_an_error(data: st.DataObject) -> None:
    registry = _registry()
    image = data.draw(st.sampled_from(sorted(registry.data)))
    version = data.draw(st.from_regex(r"\A[0-9]{1,2}(\.[0-9]{1,2}){0,2}\Z").filter(
        lambda v: v not in registry.data[image]["versions"]))
    from migrator.rules.images import version_problem

    problem = version_problem(registry, f"{image}:{version}", not registry.is_runtime(image))
    assert problem is not None and problem[1].value == "error"
    assert problem[0].startswith(f"{image}:{version}: Upsun's image registry lists no version "
                                 f"{version!r} of {image} (it lists ")


def test_wrong_service_endpoint(tmp_path: Path, registry: Registry) -> None:
    findings, _ = _run(tmp_path, registry, endpoint="postgresql")
    assert findings[0] == ("warning .platform.app.yaml:4 relationship 'database': db offers no "
                           "endpoint 'postgresql' (it offers: admin, mysql)")


def test_upgrade_retired(tmp_path: Path, registry: Registry) -> None:
    findings, changes = _run(tmp_path, registry, app="php:7.4", db="mariadb:10.6", upgrade=True)
    assert changes == [".platform.app.yaml:2 applications.app.type: php:7.4 -> php:8.4",
                       ".platform/services.yaml:2 services.db.type: mariadb:10.6 -> mariadb:11.4"]
    assert findings[-1] == ("warning .platform/services.yaml:2 db: mariadb:10.6 was upgraded to "
                            "mariadb:11.4: export the data before the switch and import it into "
                            "the new service")


def test_upgrade_retired_moves_decommissioned_and_unlisted_versions_too(
        tmp_path: Path, registry: Registry) -> None:
    findings, changes = _run(tmp_path, registry, app="php:8.0.1", db="redis:2.8", upgrade=True)
    assert changes == [".platform.app.yaml:2 applications.app.type: php:8.0.1 -> php:8.4",
                       ".platform/services.yaml:2 services.db.type: redis:2.8 -> redis:8.0"]
    assert not any(line.startswith("error") for line in findings)
    findings, changes = _run(tmp_path, registry, app="php:8.3", db="cassandra:3", upgrade=True)
    assert changes == []  # deprecated versions stay; an unknown image has no version to go to
    assert [line.split(" ", 1)[0] for line in findings[:2]] == ["warning", "error"]


def test_upgrade_retired_snapshot(tmp_path: Path, snapshot: SnapshotAssertion) -> None:
    migrated(tmp_path, {".platform.app.yaml": APP.format(app="php:7.4", endpoint="mysql"),
                        ".platform/services.yaml": SERVICES.format(db="mariadb:10.6")})
    result = run("migrate", "--dry-run", "--upgrade-retired", tmp_path, *METADATA_ARGS)
    assert result.exit_code == 0
    assert result.stdout.replace(str(DATA), "<data>") == snapshot


def test_strict_refuses_on_error_findings_only(tmp_path: Path) -> None:
    migrated(tmp_path, {".platform.app.yaml": APP.format(app="php:7.4", endpoint="mysql"),
                        ".platform/services.yaml": SERVICES.format(db="mariadb:10.6")})
    retired = run("migrate", "--strict", "--dry-run", tmp_path, *METADATA_ARGS)
    assert retired.exit_code == 0  # retired versions still deploy: warnings
    assert "0 error(s), 4 warning(s)" in retired.stdout
    (tmp_path / ".platform/services.yaml").write_text(
        SERVICES.format(db="mariadb:11.4").replace("redis-persistent:8.0", "redis:2.8").lstrip())
    result = run("migrate", "--strict", tmp_path, *METADATA_ARGS)
    assert result.exit_code == 1
    assert result.stderr == "error: .: error-level findings and --strict: nothing written\n"
    assert "error  UPS201  .platform/services.yaml:10  redis:2.8 is decommissioned on Upsun" \
        in result.stdout
    assert not (tmp_path / ".upsun").exists()
    assert run("migrate", tmp_path, *METADATA_ARGS).exit_code == 0


def test_registry_profiles_feed_the_ram_figures(tmp_path: Path, registry: Registry) -> None:
    migrated(tmp_path, {".platform.app.yaml": "name: app\ntype: 'php:8.4'\nsize: M\n",
                        ".platform/services.yaml": "db:\n  type: 'mariadb:11.4'\n  size: S\n"})
    result = migrate(tmp_path, Settings(), Metadata(registry=registry))
    assert dict(result.profiles) == {"app": "HIGH_CPU", "db": "HIGH_MEMORY"}


COMPOSABLE = json.loads((DATA / "registry" / "composable.json").read_text(encoding="utf-8"))
STACK_LIST = """
name: app
type: 'composable:{channel}'
stack:
  - "php@{php}":
      extensions: [apcu]
  - "nodejs@22"
  - "python312Packages.yq"
  - "cobol@1"
"""
STACK_MAP = """
name: app
type: 'composable:{channel}'
stack:
  runtimes: ["php@{php}", {{"python@3.11": {{}}}}]
  packages: [yarn, {{package: wkhtmltopdf, channel: unstable}}]
"""


@pytest.fixture(scope="module")
def with_composable() -> Registry:
    return Registry(json.loads(REGISTRY.read_text(encoding="utf-8")), COMPOSABLE)


def _composable(root: Path, registry: Registry, text: str,
                upgrade: bool = False) -> tuple[list[str], list[str], str]:
    migrated(root, {".platform.app.yaml": text.lstrip()})
    result = migrate(root, Settings(upgrade_retired=upgrade), Metadata(registry=registry))
    return codes(result.findings, "UPS201"), codes(result.changes, "UPS203"), result.config_text


def test_a_supported_composable_channel_checks_the_stack_runtimes(
        tmp_path: Path, with_composable: Registry) -> None:
    findings, changes, _ = _composable(tmp_path, with_composable,
                                       STACK_LIST.format(channel="26.05", php="8.4"))
    assert (findings, changes) == ([
        "warning .platform.app.yaml:8 stack: composable:26.05 offers no runtime 'cobol' "
        "(cobol@1 may be a Nix package; runtimes of this channel: bun, clojure, elixir, golang, "
        "java, nodejs, perl, php, python, ruby, sbcl)"], [])


def test_a_runtime_version_the_channel_lacks_is_an_error(tmp_path: Path,
                                                         with_composable: Registry) -> None:
    findings, _, _ = _composable(tmp_path, with_composable,
                                 STACK_MAP.format(channel="26.05", php="8.1"))
    assert findings == [
        "error .platform.app.yaml:4 stack: php@8.1 is not offered by composable:26.05 and will "
        "not build (php versions of this channel: 8.2, 8.3, 8.4, 8.5)",
        "error .platform.app.yaml:4 stack: python@3.11 is not offered by composable:26.05 and "
        "will not build (python versions of this channel: 3.12, 3.13, 3.14)"]


def test_a_retired_channel_is_a_warning_not_an_unknown_image(tmp_path: Path,
                                                             with_composable: Registry) -> None:
    retired = ("composable:{} is retired on Upsun: available but no longer maintained: no "
               "security updates, and it may be decommissioned; supported versions, nearest "
               "first: 26.05")
    findings, _, _ = _composable(tmp_path, with_composable,
                                 STACK_MAP.format(channel="25.11", php="8.4"))
    assert findings == [f"warning .platform.app.yaml:2 {retired.format('25.11')}"]
    # 25.11 offers python 3.11: no stack error
    findings, _, _ = _composable(tmp_path, with_composable,
                                 STACK_MAP.format(channel="24.05", php="8.4"))
    assert findings == [
        f"warning .platform.app.yaml:2 {retired.format('24.05')}",
        "info .platform.app.yaml:3 stack: runtimes not checked: Upsun publishes no runtime list "
        "for composable:24.05"]


def test_upgrade_retired_moves_the_channel_and_checks_the_stack_against_the_new_one(
        tmp_path: Path, with_composable: Registry) -> None:
    text = STACK_LIST.format(channel="25.11", php="8.3").replace("nodejs@22", "nodejs@20")
    findings, changes, config = _composable(tmp_path, with_composable, text, upgrade=True)
    assert changes == [".platform.app.yaml:2 applications.app.type: composable:25.11 -> "
                       "composable:26.05"]
    assert findings[0] == ("error .platform.app.yaml:6 stack: nodejs@20 is not offered by "
                           "composable:26.05 and will not build (nodejs versions of this "
                           "channel: 22, 24, 26)")
    stack = text[text.index("stack:"):]
    assert config.endswith("\n".join("    " + line if line else line
                                     for line in stack.split("\n")))  # the stack is untouched


def test_without_the_composable_data_the_image_is_unknown(tmp_path: Path,
                                                          registry: Registry) -> None:
    findings, _, _ = _composable(tmp_path, registry, STACK_MAP.format(channel="26.05", php="8.4"))
    assert findings == ["error .platform.app.yaml:2 composable:26.05: Upsun's image registry "
                        "has no image 'composable': will not deploy"]


def test_composable_channels_are_application_types(with_composable: Registry) -> None:
    """As Upsun's runtime version list counts them (the image has `service: false`)."""
    assert with_composable.is_runtime("composable:26.05")
    assert not with_composable.is_runtime("redis-persistent:8.0")
    assert with_composable.is_runtime("php:8.4") and not with_composable.is_runtime("mariadb:11.4")
