"""`upsun-migrator validate`: the merged `.upsun/` folder against the schema, `file:line` errors."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import METADATA_ARGS, run, write_files

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
    assert result.stderr.startswith(f"{project}/.upsun: valid (Upsun schema from file ")


def test_errors_name_file_and_line(project: Path) -> None:
    write_files(project, {
        ".upsun/config.yaml": VALID + "    disk: 2048\n    mounts:\n      web: 'shared:files/web'\n",
        ".upsun/services.yaml": "services:\n  db:\n    type: 'mariadb:10.0.1'\n",
    })
    result = run("validate", project, *METADATA_ARGS)
    assert result.exit_code == 1
    assert result.stdout == (
        ".upsun/config.yaml:2: applications.app: Additional properties are not allowed ('disk' "
        "was unexpected)\n"
        ".upsun/config.yaml:10: applications.app.mounts.web: 'shared:files/web' is not of type "
        "'object'\n"
        ".upsun/services.yaml:3: services.db.type: 'mariadb:10.0.1' is not one of "
    ) + result.stdout.split("is not one of ", 1)[1]
    assert result.stdout.count("\n") == 3
    assert result.stderr.startswith(f"{project}/.upsun: 3 error(s) (")


def test_versions_checked_with_the_embedded_registry_when_none_is_given(project: Path) -> None:
    write_files(project, {".upsun/config.yaml": VALID.replace("php:8.4", "php:1.0")})
    result = run("validate", project, "--schema", METADATA_ARGS[1])
    assert result.exit_code == 1
    assert result.stdout.startswith(".upsun/config.yaml:3: applications.app.type: 'php:1.0' is "
                                    "not one of ")
    assert result.stderr.endswith("; versions from the image registry from the embedded "
                                  "snapshot of 2026-07-21 (upsun/meta 9dd622d; offline))\n")


def test_top_level_key_in_two_files(project: Path) -> None:
    write_files(project, {".upsun/config.yaml": VALID, ".upsun/more.yaml": "applications: {}\n"})
    result = run("validate", project, *METADATA_ARGS)
    assert (result.exit_code, result.stderr) == (1, (
        "error: .upsun/more.yaml:1: top-level key 'applications' is defined in "
        ".upsun/config.yaml and in .upsun/more.yaml\n"))


def test_nothing_to_validate(project: Path) -> None:
    result = run("validate", project, *METADATA_ARGS)
    assert (result.exit_code, result.stderr) == (
        1, f"error: {project}: no .upsun/*.yaml files to validate\n")


EMBEDDED = "the embedded snapshot of 2026-07-21 (upsun/meta 9dd622d; offline)"


def test_offline_with_no_cache_validates_with_the_embedded_snapshot(project: Path) -> None:
    write_files(project, {".upsun/config.yaml": VALID, ".upsun/services.yaml": SERVICES})
    result = run("validate", project)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", (
        f"{project}/.upsun: valid (Upsun schema from {EMBEDDED}; versions from the image "
        f"registry from {EMBEDDED})\n"))


def test_offline_with_no_cache_still_checks_versions(project: Path) -> None:
    write_files(project, {".upsun/config.yaml": VALID,
                          ".upsun/services.yaml": "services:\n  db:\n    type: 'mariadb:9.9'\n"})
    result = run("validate", project)
    assert result.exit_code == 1
    assert result.stdout.startswith(".upsun/services.yaml:3: services.db.type: 'mariadb:9.9' is "
                                    "not one of ")


def test_unknown_top_level_key_in_any_file(project: Path) -> None:
    write_files(project, {".upsun/config.yaml": VALID,
                          ".upsun/extra.yaml": "# more\nfoo:\n  bar: 1\nservices: {}\n",
                          ".upsun/.hidden.yaml": "variables: {}\n"})
    result = run("validate", project, *METADATA_ARGS)
    assert result.exit_code == 1
    assert result.stdout == (
        ".upsun/.hidden.yaml:1: variables: unknown top-level key; Upsun reads only "
        "applications, routes, services\n"
        ".upsun/extra.yaml:2: foo: unknown top-level key; Upsun reads only applications, routes, "
        "services\n")


def test_files_upsun_does_not_read_are_not_checked(project: Path) -> None:
    write_files(project, {".upsun/config.yaml": VALID, ".upsun/extra.yml": "foo: 1\n",
                          ".upsun/sub/extra.yaml": "foo: 1\n"})
    assert run("validate", project, *METADATA_ARGS).exit_code == 0


def test_top_level_keys_are_the_schemas_properties() -> None:
    import json

    from migrator.validate import TOP_LEVEL_KEYS
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

    from migrator.upsunfiles import worker_container_profile
    from tests.conftest import SCHEMAS

    schema = json.loads((SCHEMAS / "upsun.json").read_text(encoding="utf-8"))
    before = json.dumps(schema, sort_keys=True)
    allowed = worker_container_profile(schema)
    assert json.dumps(schema, sort_keys=True) == before
    app = allowed["properties"]["applications"]["additionalProperties"]["properties"]
    worker = app["workers"]["additionalProperties"]["properties"]
    assert worker["container_profile"] == app["container_profile"]
    assert worker_container_profile({"properties": {}}) == {"properties": {}}
