"""`upsun-migrator validate`: the merged `.upsun/` folder against the schema, `file:line` errors."""

from __future__ import annotations

import re
from pathlib import Path

from syrupy.assertion import SnapshotAssertion

from tests.conftest import METADATA_ARGS, REPO, run, transcript, write_files

VALID = """\
applications:
  app:
    type: 'php:8.4'
    relationships:
      database:
        service: db
        endpoint: mysql
"""
SERVICES = "services:\n  db:\n    type: 'mariadb:11.4'\n"


def test_valid_multi_file_folder(project: Path) -> None:
    write_files(project, {".upsun/config.yaml": VALID, ".upsun/services.yaml": SERVICES})
    result = run("validate", project, *METADATA_ARGS)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (  # run in the project: the folder is `.upsun`
        f"checked: Upsun schema from file {METADATA_ARGS[1]}; image registry from file "
        f"{METADATA_ARGS[3]}\n.upsun: valid\n")


def test_errors_name_file_and_line(project: Path, snapshot: SnapshotAssertion) -> None:
    write_files(project, {
        ".upsun/config.yaml": VALID + "    disk: 2048\n    mounts:\n      web: 'shared:files/web'\n",
        ".upsun/services.yaml": "services:\n  db:\n    type: 'mariadb:10.0.1'\n",
    })
    assert transcript(run("validate", project, *METADATA_ARGS), project=project) == snapshot


def test_versions_are_checked_as_migrate_checks_them(project: Path,
                                                     snapshot: SnapshotAssertion) -> None:
    """The registry checks of `migrate` (UPS201-UPS203), on the `.upsun/` lines: a retired
    version is a warning, a decommissioned one an error, an endpoint the image lacks a
    warning; a worker's own container_profile is accepted."""
    write_files(project, {".upsun/config.yaml": VALID.replace("php:8.4", "php:7.4") + (
        "      cache:\n        service: cache\n        endpoint: memcached\n"
        "    workers:\n      queue:\n        commands:\n          start: ./queue\n"
        "        container_profile: HIGH_MEMORY\n"),
        ".upsun/services.yaml": SERVICES + "  cache:\n    type: 'redis:8.0'\n"})
    result = run("validate", project, *METADATA_ARGS)
    assert transcript(result, project=project) == snapshot(name="text")
    write_files(project, {".upsun/services.yaml": SERVICES + "  cache:\n    type: redis:2.8\n"})
    result = run("validate", project, *METADATA_ARGS, "--output-format", "github")
    assert transcript(result, project=project) == snapshot(name="github")


def test_validate_gives_the_findings_migrate_gives(tmp_path: Path) -> None:
    """The same codes, severities and messages after the migration as before it; the lines
    are those of the files each run reads."""
    legacy = write_files(tmp_path / "legacy", {
        ".platform.app.yaml": "name: app\ntype: 'php:7.4'\nrelationships:\n  db: 'db:mysql'\n"
                              "  k: 'kafka:kafka'\n",
        ".platform/services.yaml": "db:\n  type: 'mariadb:10.6'\nkafka:\n  type: 'kafka:2.7'\n"
                                   "gone:\n  type: 'redis:2.8'\nnew:\n  type: 'php:8.4'\n"})
    before = run("migrate", legacy, "--remove-legacy", "--json", "-", *METADATA_ARGS)
    assert before.exit_code == 0, before.stderr
    after = run("validate", legacy, *METADATA_ARGS, "--output-format", "json")
    assert after.exit_code == 1

    def found(document: str) -> list[tuple[str, str, str]]:
        import json

        return sorted((f["code"], f["severity"], f["message"])
                      for f in json.loads(document)["findings"] if f["code"] >= "UPS2")

    assert found(after.stdout) == found(before.stdout)
    assert len(found(after.stdout)) == 6


def test_versions_checked_with_the_embedded_registry_when_none_is_given(project: Path) -> None:
    write_files(project, {".upsun/config.yaml": VALID.replace("php:8.4", "php:1.0")})
    result = run("validate", project, "--schema", METADATA_ARGS[1])
    assert result.exit_code == 1
    assert result.stdout.startswith("error  UPS201  .upsun/config.yaml:3  php:1.0: Upsun's image "
                                    "registry lists no version '1.0' of php (it lists ")
    assert result.stderr == (f"checked: Upsun schema from file {METADATA_ARGS[1]}; image "
                             "registry from the embedded snapshot of 2026-07-21 (upsun/meta "
                             "9dd622d; offline)\n.upsun: 1 error(s)\n")


def test_top_level_key_in_two_files(project: Path) -> None:
    write_files(project, {".upsun/config.yaml": VALID, ".upsun/more.yaml": "applications: {}\n"})
    result = run("validate", project, *METADATA_ARGS)
    assert (result.exit_code, result.stderr) == (1, (
        "error: .upsun/more.yaml:1: top-level key 'applications' is defined in "
        ".upsun/config.yaml and in .upsun/more.yaml\n"))


def test_nothing_to_validate(project: Path) -> None:
    result = run("validate", project, *METADATA_ARGS)
    assert (result.exit_code, result.stderr) == (
        1, "error: .: no .upsun/*.yaml files to validate\n")


EMBEDDED = "the embedded snapshot of 2026-07-21 (upsun/meta 9dd622d; offline)"


def test_offline_with_no_cache_validates_with_the_embedded_snapshot(project: Path) -> None:
    write_files(project, {".upsun/config.yaml": VALID, ".upsun/services.yaml": SERVICES})
    result = run("validate", project)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", (
        f"checked: Upsun schema and image registry from {EMBEDDED}\n.upsun: valid\n"))


def test_offline_with_no_cache_still_checks_versions(project: Path,
                                                     snapshot: SnapshotAssertion) -> None:
    """The nearest versions, never the schema's list of every version."""
    write_files(project, {".upsun/config.yaml": VALID,
                          ".upsun/services.yaml": "services:\n  db:\n    type: 'mariadb:9.9'\n"})
    assert transcript(run("validate", project), project=project) == snapshot


def test_unknown_top_level_key_in_any_file(project: Path, snapshot: SnapshotAssertion) -> None:
    write_files(project, {".upsun/config.yaml": VALID,
                          ".upsun/extra.yaml": "# more\nfoo:\n  bar: 1\nservices: {}\n",
                          ".upsun/.hidden.yaml": "variables: {}\n"})
    assert transcript(run("validate", project, *METADATA_ARGS), project=project) == snapshot


def test_files_upsun_does_not_read_are_not_checked(project: Path) -> None:
    write_files(project, {".upsun/config.yaml": VALID, ".upsun/extra.yml": "foo: 1\n",
                          ".upsun/sub/extra.yaml": "foo: 1\n"})
    assert run("validate", project, *METADATA_ARGS).exit_code == 0


def test_top_level_keys_are_the_schemas_properties() -> None:
    import json

    from migrator.upsun.validate import TOP_LEVEL_KEYS
    from tests.conftest import SCHEMAS

    for name in ("upsun.json", "upsun-cli.json"):
        schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
        assert sorted(schema["properties"]) == list(TOP_LEVEL_KEYS)
        assert schema["additionalProperties"] is True  # why the schema alone lets `foo` pass


def test_container_profile_on_a_worker_is_accepted_and_checked(project: Path) -> None:
    """The documented deviation from upsun/meta's schema (which lists `container_profile` on
    applications and services only): the Upsun CLI's schema lists it on workers, the migrator
    writes it there. Its value is checked as the app's is."""
    worker = VALID + "    workers:\n      queue:\n        container_profile: {}\n" \
        "        commands:\n          start: ./queue\n"
    write_files(project, {".upsun/config.yaml": worker.format("HIGH_MEMORY")})
    assert run("validate", project, *METADATA_ARGS).exit_code == 0
    write_files(project, {".upsun/config.yaml": worker.format("HUGE")})
    result = run("validate", project, *METADATA_ARGS)
    assert result.exit_code == 1
    assert result.stdout.startswith(
        ".upsun/config.yaml:10: applications.app.workers.queue.container_profile: ")


def test_the_worker_allowance_leaves_the_schema_as_it_is() -> None:
    import json

    from migrator.upsun.deviations import apply
    from tests.conftest import SCHEMAS

    schema = json.loads((SCHEMAS / "upsun.json").read_text(encoding="utf-8"))
    before = json.dumps(schema, sort_keys=True)
    allowed = apply(schema)
    assert json.dumps(schema, sort_keys=True) == before
    app = allowed["properties"]["applications"]["additionalProperties"]["properties"]
    worker = app["workers"]["additionalProperties"]["properties"]
    assert worker["container_profile"] == app["container_profile"]
    assert apply({"properties": {}}) == {"properties": {}}


def test_errors_through_aliases_merges_and_includes_name_where_they_are_written(
        project: Path) -> None:
    """`validate` reads with the engine, as `migrate` does: the line of a value reached through
    an alias is the key that holds it, a merged-in value's is where it is written, an included
    file's values are checked at the `!include`."""
    write_files(project, {".upsun/config.yaml": (
        "applications:\n"
        "  app:\n"
        "    type: 'php:8.4'\n"
        "    mounts:\n"
        "      web: &w 'shared:files/web'\n"
        "      files: *w\n"
        "      tmp:\n"
        "        <<: {source: 12}\n"
        "  other: !include apps/other.yaml\n"),
        ".upsun/apps/other.yaml": "type: 'php:8.4'\ndisk: 2048\n"})
    result = run("validate", project, *METADATA_ARGS)
    assert result.exit_code == 1
    assert result.stdout == (
        ".upsun/config.yaml:5: applications.app.mounts.web: 'shared:files/web' is not of type "
        "'object'\n"
        ".upsun/config.yaml:6: applications.app.mounts.files: 'shared:files/web' is not of type "
        "'object'\n"
        ".upsun/config.yaml:8: applications.app.mounts.tmp.source: 12 is not of type 'string'\n"
        ".upsun/config.yaml:9: applications.other: Additional properties are not allowed ('disk' "
        "was unexpected)\n")


def test_one_yaml_stack() -> None:
    """Only the engine's parser modules import a YAML library (the parser, the composer of its
    events and the pure-Python fallback): `validate`, the codemod and the checks of `.upsun/`
    read the engine's trees."""
    pattern = re.compile(r"^\s*(?:from|import) (?:ruamel|_ruamel_yaml|yaml)\b", re.M)
    importers = sorted(path.relative_to(REPO / "migrator").as_posix()
                       for path in (REPO / "migrator").rglob("*.py")
                       if pattern.search(path.read_text(encoding="utf-8")))
    assert importers == ["yamltext/compose.py", "yamltext/parse.py", "yamltext/pure.py"]
