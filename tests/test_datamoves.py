"""The next steps move the data: per database the dump and import commands, per mount the
download and upload commands, only commands the docs publish, every name quoted."""

from __future__ import annotations

import json
import re
import shlex
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrator import facts
from migrator.errors import MigratorError
from migrator.migration.datamoves import local_path
from migrator.migration.pipeline import Metadata, migrate
from migrator.model import DataMove, Settings
from migrator.upsun.registry import Registry
from tests.conftest import CORPUS, FIXTURE_NAMES, FIXTURES, REGISTRY, run, write_files
from tests.rules.helpers import migrated

PLACEHOLDERS = {facts.PLATFORMSH_PROJECT: "PSH", facts.UPSUN_PROJECT: "UPSUN",
                facts.ENVIRONMENT: "main"}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry(json.loads(REGISTRY.read_text(encoding="utf-8")))


APP = """
name: app
type: 'php:8.4'
relationships:
    database: 'db:mysql'
    reports: {service: pg, endpoint: postgresql}
    cache: 'cache:redis'
mounts:
    'web/my files':
        source: local
        source_path: files
    '/tmp':
        source: tmp
    'shared':
        source: service
        service: files
        source_path: shared
workers:
    queue:
        commands:
            start: ./queue
        mounts:
            'var':
                source: local
            'shared':
                source: service
                service: files
                source_path: shared
"""
SERVICES = """
db:
    type: 'mariadb:11.4'
pg:
    type: 'postgresql:16'
    configuration:
        schemas: [main, "o'hara"]
lonely:
    type: 'oracle-mysql:8.0'
docs:
    type: 'mongodb-enterprise:7.0'
    disk: 1024
cache:
    type: 'redis:8.0'
queue:
    type: 'rabbitmq:4.2'
files:
    type: 'network-storage:1.0'
"""


def _moves(root: Path, registry: Registry | None) -> tuple[DataMove, ...]:
    result = migrate(root, Settings(), Metadata(registry=registry))
    return result.data


def test_each_database_service_and_mount_gets_its_step(tmp_path: Path, registry: Registry) -> None:
    write_files(tmp_path, {".platform.app.yaml": APP.lstrip(),
                           ".platform/services.yaml": SERVICES.lstrip()})
    steps = [move.step() for move in _moves(tmp_path, registry)]
    assert steps == [
        "Database `db` (mariadb:11.4), through the relationship `database` of `app`: `platform "
        "db:dump -p <Platform.sh project ID> -e <production environment> --app app "
        "--relationship database --file db.sql`, then `upsun sql -p <Upsun project ID> -e "
        "<production environment> --app app --relationship database < db.sql`.",
        "Database `pg` (postgresql:16), schema `main`, through the relationship `reports` of "
        "`app`: `platform db:dump -p <Platform.sh project ID> -e <production environment> --app "
        "app --relationship reports --schema main --file pg-main.sql`, then `upsun sql -p <Upsun "
        "project ID> -e <production environment> --app app --relationship reports --schema main "
        "< pg-main.sql`.",
        "Database `pg` (postgresql:16), schema `o'hara`, through the relationship `reports` of "
        "`app`: `platform db:dump -p <Platform.sh project ID> -e <production environment> --app "
        "app --relationship reports --schema 'o'\"'\"'hara' --file pg-o_hara.sql`, then "
        "`upsun sql -p <Upsun project ID> -e <production environment> --app app --relationship "
        "reports --schema 'o'\"'\"'hara' < pg-o_hara.sql`.",
        "Database `lonely` (oracle-mysql:8.0): no application has a relationship to it, and "
        "`db:dump` and `sql` reach a database through one: move its data by hand.",
        "Service `docs` (mongodb-enterprise:7.0): it had a persistent disk on Platform.sh, and "
        "Upsun's docs publish no way to move its data.",
        "Service `cache` (redis:8.0): Upsun's export guide says the data of services such as "
        "Redis or Solr can generally be rebuilt from the primary data store, and publishes no "
        "command.",
        "Mount `web/my files` of `app` (local mount): `platform mount:download -p <Platform.sh "
        "project ID> -e <production environment> --app app --mount 'web/my files' --target "
        "mounts/app/web/my_files`, then `upsun mount:upload -p <Upsun project ID> -e "
        "<production environment> --app app --mount 'web/my files' --source "
        "mounts/app/web/my_files`.",
        "Mount `shared` of `app` (network storage `files`): `platform mount:download -p "
        "<Platform.sh project ID> -e <production environment> --app app --mount shared --target "
        "mounts/app/shared`, then `upsun mount:upload -p <Upsun project ID> -e <production "
        "environment> --app app --mount shared --source mounts/app/shared`.",
        "Mount `var` of `app--queue` (local mount): `platform mount:download -p <Platform.sh "
        "project ID> -e <production environment> --app app --worker queue --mount var --target "
        "mounts/app--queue/var`, then `upsun mount:upload -p <Upsun project ID> -e <production "
        "environment> --app app --worker queue --mount var --source mounts/app--queue/var`.",
    ]


def test_mongodb_points_to_its_export_page(tmp_path: Path, registry: Registry) -> None:
    write_files(tmp_path, {".platform.app.yaml": "name: app\ntype: 'php:8.4'\n",
                           ".platform/services.yaml": "docs:\n    type: 'mongodb:7.0'\n"
                                                      "metrics:\n    type: 'influxdb:2.7'\n"})
    assert [move.step() for move in _moves(tmp_path, registry)] == [
        "Service `docs` (mongodb:7.0): Upsun's docs describe exporting its data through an SSH "
        "tunnel with the database's own tools (add-services/mongodb.md), and publish no import "
        "command.",
        "Service `metrics` (influxdb:2.7): Upsun's docs describe exporting its data through an "
        "SSH tunnel with the database's own tools (add-services/influxdb.md), and publish no "
        "import command."]


def test_the_report_steps_name_the_data(tmp_path: Path) -> None:
    write_files(tmp_path, {".platform.app.yaml": APP.lstrip(),
                           ".platform/services.yaml": SERVICES.lstrip()})
    result = run("migrate", "--dry-run", "--remove-legacy", "--json", "-", tmp_path)
    steps = json.loads(result.stdout)["steps"]
    assert steps[1].startswith("Move the data: Upsun Flex is a new project, and Upsun's "
                               "migration guide exports the databases and files from the "
                               "Platform.sh project first")
    assert steps[2].startswith("Database `db` (mariadb:11.4)")
    assert steps[-1].startswith("Review the ")
    assert len(steps) == 2 + 9 + 1  # rabbitmq had no disk: nothing to move, no step


def test_no_data_no_step(tmp_path: Path) -> None:
    result = migrated(tmp_path, {".platform.app.yaml": "name: app\ntype: 'php:8.4'\n"})
    assert result.data == ()


# -- every command is one the CLI references document, and every name survives the shell -----

USAGE = {command: set(re.findall(r"(--[a-z-]+)", usage))
         for command, usage in facts.USAGE.value.items()}


def _check_command(command: str) -> dict[str, str]:
    """A generated command against the documented usage: its name, each option; the options'
    values as the shell passes them."""
    for placeholder, value in PLACEHOLDERS.items():
        command = command.replace(placeholder, value)
    redirect = None
    if " < " in command:
        command, _, target = command.partition(" < ")
        redirect = shlex.split(target)
        assert len(redirect) == 1
    words = shlex.split(command)
    name = " ".join(words[:2])
    assert name in USAGE, command
    options: dict[str, str] = {}
    rest = words[2:]
    while rest:
        option, value, *rest = rest
        option = {"-p": "--project", "-e": "--environment"}.get(option, option)
        assert option in USAGE[name], (option, command)
        options[option] = value
    if redirect is not None:
        options["<"] = redirect[0]
    return options


def _projects() -> list[Path]:
    manifest = json.loads((CORPUS / "MANIFEST.json").read_text(encoding="utf-8"))
    return [CORPUS / entry["id"] for entry in manifest] + [FIXTURES / n for n in FIXTURE_NAMES]


def test_every_command_of_the_corpus_and_fixtures_is_documented(registry: Registry) -> None:
    checked = 0
    for root in _projects():
        try:
            result = migrate(root, Settings(), Metadata(registry=registry))
        except MigratorError:
            continue
        names = set(result.apps)
        for move in result.data:
            for command in move.commands:
                options = _check_command(command)
                assert options["--app"] in names
                assert options["--project"] in ("PSH", "UPSUN")
                checked += 1
    assert checked > 300  # every corpus database and mount


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
               min_size=1, max_size=12).filter(lambda t: t.strip("/ ") == t and ":" not in t))
def test_names_reach_the_commands_quoted(name: str) -> None:
    """A mount path with shell metacharacters comes out of the shell as it was written, and
    the local folder made of it stays below the folder the commands run in."""
    app = ("name: app\ntype: 'php:8.4'\nmounts:\n    " + json.dumps(name, ensure_ascii=False) +
           ":\n        source: local\n")
    with tempfile.TemporaryDirectory() as folder:
        try:
            result = migrate(write_files(Path(folder), {".platform.app.yaml": app}), Settings())
        except MigratorError:
            return  # a name the schema refuses never reaches a command
    (move,) = result.data
    for command in move.commands:
        options = _check_command(command)
        assert options["--mount"] == name
        folder = options.get("--target") or options.get("--source") or ""
        assert folder == local_path("mounts", "app", name)
        assert folder.startswith("mounts/app/") and ".." not in folder.split("/")
        assert re.fullmatch(r"[A-Za-z0-9._/-]+", folder)


def test_local_paths_stay_below_the_working_folder() -> None:
    assert local_path("mounts", "app", "..") == "mounts/app/_"
    assert local_path("mounts", "app", "../../etc/x y") == "mounts/app/etc/x_y"
    assert local_path("db;rm -rf ~") == "db_rm_-rf_"
