"""Issue 26 item 4: names from a repository never reach a shell as anything but themselves.

UPS013 reports every application, worker and service name outside Upsun's naming rule, with
its line; such a container is left out of the `upsun resources:set` command; every argument of
the command is quoted. The written `--resources-script` is run with a stub `upsun` first on
PATH that records its arguments: they are exactly the report's command, and nothing else runs.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrator.upsun.names import allowed
from tests.conftest import METADATA_ARGS, run, write_files

STUB = '#!/bin/sh\nprintf \'%s\\0\' "$@" > "$UPSUN_STUB_RECORD"\n'


def q(text: str) -> str:
    return json.dumps(text)


@pytest.mark.parametrize(("files", "where", "message"), [
    ({".platform.app.yaml": "name: My.App\ntype: php:8.4\n"}, ".platform.app.yaml:1",
     "application name 'My.App' is outside the rule this tool applies, Upsun's for services: "
     "lowercase letters a-z, digits, hyphens and underscores (Upsun's docs give no rule for "
     "application names; Platform.sh's say lowercase alphanumeric characters, and name an app "
     "node-app in an example); it is left out of the `upsun resources:set` command"),
    ({".platform.app.yaml": "name: app\ntype: php:8.4\nworkers:\n  'q w':\n    size: S\n"
                            "    commands: {start: run}\n"}, ".platform.app.yaml:4",
     "worker name 'q w' is outside the rule this tool applies, Upsun's for services: lowercase "
     "letters a-z, digits, hyphens and underscores (neither Upsun's nor Platform.sh's docs give "
     "a rule for worker names); it is left out of the `upsun resources:set` command"),
    ({".platform.app.yaml": "name: app\ntype: php:8.4\n",
      ".platform/services.yaml": "db: {type: mariadb:11.8}\n'db$(touch x)':\n  type: "
                                 "mariadb:11.8\n"}, ".platform/services.yaml:2",
     "service name 'db$(touch x)' is outside Upsun's naming rule for services: lowercase "
     "letters a-z, digits, hyphens and underscores (Upsun's docs, add-services); it is left "
     "out of the `upsun resources:set` command"),
])
def test_a_name_outside_the_rule_is_an_error_with_its_line(project: Path, files: dict[str, str],
                                                            where: str, message: str) -> None:
    write_files(project, files)
    done = run("migrate", project, *METADATA_ARGS, "--dry-run", "--json", "-")
    report = json.loads(done.stdout)
    found = [f for f in report["findings"] if f["code"] == "UPS013"]
    assert [(f["severity"], f"{f['file']}:{f['line']}", f["message"]) for f in found] == [
        ("error", where, message)]
    assert done.exit_code == 0
    strict = run("migrate", project, *METADATA_ARGS, "--strict")
    assert strict.exit_code == 1 and not (project / ".upsun").exists()


def test_names_of_the_corpus_and_the_examples_follow_the_rule() -> None:
    """Every real project's names pass (a rule that flagged them would be a wrong rule), but
    one: OriPekelman__drupal9-multisite-multiapp keys a block of shared settings `.common` in
    its applications.yaml mapping, which the tool reads as an application: UPS013 says so."""
    from migrator.errors import MigratorError
    from migrator.legacy.discovery import load_project
    from migrator.rules.context import walk
    from tests.conftest import CORPUS, REPO

    manifest = json.loads((CORPUS / "MANIFEST.json").read_text(encoding="utf-8"))
    roots = [CORPUS / entry["id"] for entry in manifest] + sorted((REPO / "examples").iterdir())
    outside, checked = [], 0
    for root in roots:
        try:
            places = walk(load_project(root))
        except MigratorError:
            continue
        for container in places.containers + places.services:
            own = container.worker if container.worker is not None else container.name
            checked += 1
            if not allowed(own):
                outside.append((root.name, own))
    assert outside == [("OriPekelman__drupal9-multisite-multiapp", ".common")]
    assert checked > 500


def test_ignore_hides_the_finding_but_never_lets_the_name_into_the_command(project: Path) -> None:
    write_files(project, {".platform.app.yaml": "name: app\ntype: php:8.4\ndisk: 1024\n",
                          ".platform/services.yaml": "'a;b':\n  type: mariadb:11.8\n  disk: 2048\n"})
    done = run("migrate", project, *METADATA_ARGS, "--dry-run", "--json", "-", "--ignore",
               "UPS013")
    report = json.loads(done.stdout)
    assert [f for f in report["findings"] if f["code"] == "UPS013"] == []
    assert report["resources"]["command"] == \
        "upsun resources:set -e <production environment> --disk app:1024"
    assert [c["notes"] for c in report["resources"]["containers"] if c["container"] == "a;b"] \
        == [["not in the resources:set command: the name is outside Upsun's naming rules "
             "(UPS013)"]]


#: Names a hostile repository would write: each would run `touch MARKER` if a shell read it
#: as code, or break the CLI's `name:value,...` syntax.
ATTACKS = ["$(touch {m})", "`touch {m}`", "x;touch {m}", "x\ntouch {m}", "x|touch {m}",
           "x&&touch {m}", "'$(touch {m})'", '"$(touch {m})"', "x\\'$(touch {m})", "*", "?",
           "[ab]", "~", "a b", "a,b", "a:1", "%", "-rf", "--disk", "x\x1b]0;t\x07", "\u202e",
           "UPPER", "é", ""]
valid = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,7}", fullmatch=True)


@st.composite
def name(draw: st.DrawFn, marker: str) -> str:
    return draw(st.one_of(valid, st.sampled_from(ATTACKS).map(lambda a: a.format(m=marker)),
                          st.text(alphabet="ab$()`;|&'\"\\ \n*?:,%", min_size=1, max_size=6)))


@st.composite
def named_projects(draw: st.DrawFn, marker: str) -> tuple[str, str, list[str]]:
    app = draw(name(marker).filter(str.strip))  # a blank app name is refused before UPS013
    worker = draw(name(marker))
    services = draw(st.lists(name(marker), min_size=1, max_size=3, unique=True)
                    .filter(lambda found: app not in found))
    return app, worker, services


# A quarter of the profile's search: each example runs the written script in a shell.
@settings(max_examples=settings.default.max_examples // 4,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_the_resources_script_runs_exactly_the_reported_command(
        tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    work = tmp_path_factory.mktemp("work")
    canary, sandbox, stubs, repo = (work / name for name in ("canary", "sandbox", "bin", "repo"))
    for folder in (canary, sandbox, stubs, repo):
        folder.mkdir()
    app, worker, services = data.draw(named_projects(str(canary / "ran")))
    write_files(repo, {
        ".platform.app.yaml": f"name: {q(app)}\ntype: php:8.4\ndisk: 1024\nworkers:\n"
                              f"  {q(worker)}:\n    size: S\n    commands: {{start: run}}\n",
        ".platform/services.yaml": "".join(f"{q(s)}:\n  type: mariadb:11.8\n  disk: 2048\n"
                                           for s in services)})
    script, report_file = work / "resources.sh", work / "report.json"
    done = run("migrate", repo, *METADATA_ARGS, "--dry-run", "--resources-script", script,
               "--json", report_file, "--environment", "prod")
    assert done.exit_code == 0, done.stderr
    command = json.loads(report_file.read_text(encoding="utf-8"))["resources"]["command"]

    expected_sizes = [f"{app}--{worker}:0.5"] if allowed(app) and allowed(worker) else []
    expected_disks = ([f"{app}:1024"] if allowed(app) else []) + \
        [f"{s}:2048" for s in services if allowed(s)]
    expected = (["--size", ",".join(expected_sizes)] if expected_sizes else []) + \
        (["--disk", ",".join(expected_disks)] if expected_disks else [])
    expected = ["-e", "prod", *expected] if expected else []
    assert (shlex.split(command) if command else []) == (["upsun", "resources:set", *expected]
                                                         if expected else [])

    (stubs / "upsun").write_text(STUB, encoding="utf-8")
    (stubs / "upsun").chmod(0o755)
    record = work / "argv"
    subprocess.run(["/bin/sh", str(script)], cwd=sandbox, check=True, capture_output=True,
                   env={"PATH": f"{stubs}{os.pathsep}{os.environ['PATH']}", "HOME": str(sandbox),
                        "UPSUN_STUB_RECORD": str(record)})
    recorded = record.read_bytes().split(b"\0")[:-1] if record.exists() else None
    assert recorded == ([a.encode() for a in ["resources:set", *expected]] if expected else None)
    assert list(canary.iterdir()) == [] and list(sandbox.iterdir()) == []
    for line in script.read_text(encoding="utf-8").split("\n")[:-1]:
        assert line.startswith("#") or line in ("set -e", command) or line.startswith("echo '")
        assert re.search("[\x00-\x1f\x7f]", line) is None
