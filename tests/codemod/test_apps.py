"""The codemod on small applications in the style of the Django, Flask, Wagtail, FastAPI and
Pyramid templates: findings and `--diff` snapshots, idempotence, and behaviour kept."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from tests.conftest import TESTS, run

APPS = TESTS / "fixtures" / "code"
NAMES = sorted(p.name for p in APPS.iterdir() if p.is_dir())
REWRITE = ("--service-env-vars", "--fix-production-check")


@pytest.fixture
def app(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the application, and the current folder (paths shown relative to it)."""
    root = tmp_path / request.param
    shutil.copytree(APPS / request.param, root)
    monkeypatch.chdir(root)
    return root


def test_the_fixture_projects_are_there() -> None:
    assert NAMES == ["django", "django-two-step", "django3-template", "django4-template",
                     "fastapi", "flask", "pyramid", "wagtail", "wagtail-template"]


@pytest.mark.parametrize("app", NAMES, indirect=True)
def test_findings_and_diff(app: Path, snapshot: SnapshotAssertion) -> None:
    check = run("codemod", app)
    diff = run("codemod", "--diff", *REWRITE, app)
    assert check.exit_code == (1 if "would be rewritten, in 0 file" not in check.stdout else 0)
    assert diff.exit_code == 1
    assert "[rewritten]" not in check.stdout + diff.stdout + diff.stderr  # nothing was written
    assert f"# codemod (check)\n{check.stdout}{check.stderr}\n# codemod --diff " \
           f"--service-env-vars --fix-production-check\n{diff.stdout}{diff.stderr}" == snapshot


@pytest.mark.parametrize("app", NAMES, indirect=True)
def test_write_then_nothing_left_to_change(app: Path) -> None:
    written = run("codemod", "--write", *REWRITE, app)
    assert written.exit_code == 0
    assert "[would rewrite]" not in written.stdout and written.stderr == ""
    assert written.stdout.endswith(" rewritten, in 1 file(s)\n")
    again = run("codemod", "--check", *REWRITE, app)
    assert again.exit_code == 0
    assert again.stdout.endswith("0 would be rewritten, in 0 file(s)\n")
    for path in app.rglob("*.py"):
        compile(path.read_text(), str(path), "exec")


RELATIONSHIPS = {"database": [{
    "host": "database.internal", "hostname": "abc.database.service._.eu-3.platformsh.site",
    "port": 5432, "scheme": "pgsql", "username": "main", "password": "s3cret", "path": "main",
    "rel": "postgresql", "service": "db", "type": "postgresql:16", "cluster": "abc-main",
    "query": {"is_master": True}, "fragment": None, "public": False, "ip": "169.254.1.2",
    "host_mapped": False, "epoch": 0, "instance_ips": ["169.254.1.2"]}]}


def _upsun_service_variables(relationships: dict[str, Any]) -> dict[str, str]:
    """What Upsun sets: `<REL>_<PROP>` strings for endpoint 0, null as an empty string."""
    variables = {}
    for name, endpoints in relationships.items():
        prefix = "".join(c if c.isalnum() or c == "_" else "_" for c in name.upper())
        for key, value in endpoints[0].items():
            variables[f"{prefix}_{key.upper()}"] = "" if value is None else str(value)
    return variables


def _databases(settings: Path, env: dict[str, str]) -> Any:
    program = (f"import json, runpy; ns = runpy.run_path({str(settings)!r}); "
               "print(json.dumps(ns['DATABASES'], default=str))")
    done = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def test_rewritten_django_settings_keep_their_behaviour(tmp_path: Path) -> None:
    root = tmp_path / "django"
    shutil.copytree(APPS / "django", root)
    settings = root / "mysite" / "settings.py"
    base = {"PATH": "/usr/bin:/bin", "PLATFORM_APPLICATION_NAME": "app",
            "PLATFORM_ENVIRONMENT": "main-abc", "PLATFORM_PROJECT_ENTROPY": "entropy",
            "PLATFORM_APP_DIR": str(root), "PLATFORM_BRANCH": "main"}
    legacy_env = base | {"PLATFORM_RELATIONSHIPS": base64.b64encode(
        json.dumps(RELATIONSHIPS).encode()).decode()}
    before = _databases(settings, legacy_env)
    assert run("codemod", "--write", *REWRITE, root).exit_code == 0
    assert "platformshconfig" not in settings.read_text()
    after = _databases(settings, base | _upsun_service_variables(RELATIONSHIPS))
    assert after == before
    assert before["default"]["HOST"] == "database.internal" and before["default"]["PORT"] == 5432


def test_migrate_imports_libcst_only_with_code(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(APPS / "django", root)
    probe = ("import sys; from migrator.cli import main; sys.argv = ['x', 'migrate', '--dry-run',"
             f" {str(root)!r}] + sys.argv[1:]\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
             "print('LIBCST' if 'libcst' in sys.modules else 'NO-LIBCST', "
             "'JSONSCHEMA' if 'jsonschema' in sys.modules else 'NO-JSONSCHEMA', file=sys.stderr)")
    plain = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           check=True, env={"UPSUN_MIGRATOR_OFFLINE": "1", "PATH": "/usr/bin"},
                           cwd=root)
    assert plain.stderr.strip().endswith("NO-LIBCST NO-JSONSCHEMA")
    code = subprocess.run([sys.executable, "-c", probe, "--code"], capture_output=True,
                          text=True, check=True, cwd=root,
                          env={"UPSUN_MIGRATOR_OFFLINE": "1", "PATH": "/usr/bin"})
    assert code.stderr.strip().endswith("LIBCST NO-JSONSCHEMA")
    assert "Python code\n  mysite/settings.py:20:4: UPS106 info [would rewrite] " in code.stdout


def test_markdown_report_lists_code_findings(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(APPS / "django", root)
    report = tmp_path / "report.md"
    result = run("migrate", "--dry-run", "--code", "--report", report, root)
    assert result.exit_code == 0, result.stderr
    text = report.read_text(encoding="utf-8")
    assert ("## Python code\n\n| code | where | rewritten | message |\n|---|---|---|---|\n"
            "| UPS106 | `mysite/settings.py:20:4` | no | config.is_valid_platform() -> "
            "\"PLATFORM_APPLICATION_NAME\" in os.environ |\n") in text


def test_labels_say_what_happened_and_the_summary_comes_last(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Check mode writes nothing, so nothing is labelled `[rewritten]`; `--write` prints the
    findings then the summary, on one stream, in that order (issues 12.18 and 15.6)."""
    root = tmp_path / "django"
    shutil.copytree(APPS / "django", root)
    monkeypatch.chdir(root)
    check = run("codemod", root)
    assert (check.exit_code, check.stderr) == (1, "")
    assert check.stdout.splitlines()[0] == (
        'mysite/settings.py:20:4: UPS106 info [would rewrite] config.is_valid_platform() -> '
        '"PLATFORM_APPLICATION_NAME" in os.environ')
    assert "[rewritten]" not in check.stdout
    written = run("codemod", "--write", root)
    lines = written.stdout.splitlines()
    assert (written.exit_code, written.stderr) == (0, "")
    assert lines[0] == check.stdout.splitlines()[0].replace("[would rewrite]", "[rewritten]")
    assert lines[-1] == "11 finding(s), 6 rewritten, in 1 file(s)"
    assert [line.split(" [")[0] for line in lines] == \
        [line.split(" [")[0] for line in check.stdout.splitlines()[:-1]] + [lines[-1]]
