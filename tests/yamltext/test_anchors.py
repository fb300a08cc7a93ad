"""Anchors and aliases across edits (issue 23, item 2): each case of the issue migrates with
the values the legacy files meant, or is refused with exit 1 naming the file, line and what
cannot be carried. tests/test_yaml_features.py generates projects with templates in removed
keys, merged workers, aliased routes and services, shared names across files, as a class.
"""

from __future__ import annotations

from pathlib import Path

from migrator.migration.pipeline import migrate
from migrator.model import Settings
from tests.conftest import run, write_files

APP = "name: app\ntype: 'php:8.4'\n"


def _config(project: Path, files: dict[str, str]) -> str:
    write_files(project, files)
    return migrate(project, Settings()).config_text


def test_an_anchor_in_a_removed_key_moves_to_its_first_alias(project: Path) -> None:
    config = _config(project, {".platform.app.yaml": APP + (
        "x-shared:\n  vars: &vars\n    A: 1\n  work: &work\n    commands:\n      start: run\n"
        "    size: M\nvariables:\n  env:\n    <<: *vars\n    B: 2\n"
        "workers:\n  w1:\n    <<: *work\n  w2:\n    <<: *work\n")})
    assert config.split("    # x-shared: removed, Upsun does not accept this key (see the "
                        "migration report)\n")[1] == (
        "    variables:\n      env:\n        <<: &vars\n          A: 1\n        B: 2\n"
        "    workers:\n      w1:\n"
        "        # resources: upsun resources:set --size app--w1:0.5 (legacy size: M, 0.40 CPU / 128 MB)\n"
        "        <<: &work\n          commands:\n            start: run\n"
        "          # size: M removed: each container that uses this block has its own "
        "resources hint\n"
        "      w2:\n        # resources: upsun resources:set --size app--w2:0.5 (legacy size: M, 0.40 CPU / 128 MB)\n"
        "        <<: *work\n")


def test_anchors_of_a_list_merge_in_removed_keys(project: Path) -> None:
    config = _config(project, {".platform.app.yaml": APP + (
        ".a: &a\n  A: 1\n.b: &b\n  B: 'x, y'\n  C: |\n    text\n"
        "variables:\n  env:\n    <<: [*a, *b]\n")})
    assert config.endswith("    variables:\n      env:\n"
                           "        <<: [&a {A: 1}, &b {B: 'x, y', C: \"text\\n\"}]\n")


def test_the_same_anchor_name_in_two_files_is_renamed_in_the_later(project: Path) -> None:
    config = _config(project, {".platform.app.yaml": APP + "variables: &start\n  env: {A: 1}\n",
                               ".platform/services.yaml": (
                                   "db: &start\n  type: mariadb:11.4\ncache:\n  <<: *start\n")})
    assert "    variables: &start\n" in config
    assert config.endswith("services:\n  db: &start_2\n    type: mariadb:11.4\n"
                           "  cache:\n    <<: *start_2\n")


def test_an_anchored_include_repeated_by_an_alias_is_rewritten_once(project: Path) -> None:
    """Was: exit 3 (the rewritten path was expected at one of the two places only)."""
    config = _config(project, {
        ".platform.app.yaml": APP,
        ".platform/routes.yaml": ('"https://{default}/": &r !include r.yaml\n'
                                  '"https://www.{default}/": *r\n'),
        ".platform/r.yaml": "type: upstream\nupstream: app:http\n"})
    assert config.endswith('routes:\n  "https://{default}/": &r !include includes/r.yaml\n'
                           '  "https://www.{default}/": *r\n')


def test_a_merged_mapping_rules_also_edit_is_written_out(project: Path) -> None:
    """A worker merging an app: its type goes (UPS011), its size with the app's (UPS005), its
    relationships and mounts come out converted (UPS004, UPS003), written out by copy."""
    config = _config(project, {
        ".platform/applications.yaml": (
            "app1: &base\n  type: 'php:8.4'\n  size: S\n  relationships:\n    db: 'db:mysql'\n"
            "  mounts:\n    web: {source: local, source_path: web}\n"
            "app2:\n  <<: *base\n  workers:\n    w:\n      <<: *base\n"
            "      commands: {start: run}\n"),
        ".platform/services.yaml": "db:\n  type: mariadb:11.4\n"})
    assert config.split("    workers:\n")[1] == (
        "      w:\n        # resources: upsun resources:set --size app2--w:0.5 (legacy size: S, 0.40 CPU / 128 MB)\n"
        "        relationships:\n          db: {service: db, endpoint: mysql}\n"
        "        mounts:\n          web: {source: storage, source_path: web}\n"
        "        commands: {start: run}\nservices:\n  db:\n    type: mariadb:11.4\n")


def test_a_service_used_as_a_template_of_settings_is_refused_with_the_merge(
        project: Path) -> None:
    """Was: exit 3 (`.base: {} &b`); the migration edits the service `.base` (UPS011 removes
    `conf_dir`), which the Solr core merges: that change cannot stay out of the core."""
    write_files(project, {".platform.app.yaml": APP, ".platform/conf/x.txt": "x\n",
                          ".platform/services.yaml": (
                              '.base: &b {conf_dir: !archive "conf"}\nsolr:\n  type: solr:9.9\n'
                              "  configuration:\n    cores:\n      a:\n        <<: *b\n")})
    result = run("migrate", project)
    assert (result.exit_code, result.stderr) == (1, (
        "error: .platform/services.yaml:7: `services.solr.configuration.cores.a` merges (`<<`) "
        "the value at line 1, which the migration changes where that value is defined; the "
        "change would reach `services.solr.configuration.cores.a` too: write the value out "
        "here instead of the `<<` entry\n"))
    assert not (project / ".upsun").exists()


def test_an_emptied_anchored_mapping_keeps_its_anchor_before_the_braces(project: Path) -> None:
    """Was `.base: {} &b`: the `{}` went after the colon, before the anchor."""
    config = _config(project, {".platform.app.yaml": APP, ".platform/routes.yaml": (
        '"https://{default}/":\n  type: upstream\n  upstream: app:http\n'
        "  tls: &t\n    min_version: ~\n"
        '"https://www.{default}/":\n  type: upstream\n  upstream: app:http\n  tls: *t\n')})
    assert config.endswith(
        "    tls: &t {}\n      # min_version: null removed (null meant the default)\n"
        '  "https://www.{default}/":\n    type: upstream\n    upstream: app:http\n'
        "    tls: *t\n")
