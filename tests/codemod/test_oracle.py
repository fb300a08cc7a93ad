"""A behaviour oracle for the codemod (issue 15.7): each settings module of the fixture projects
is executed as it was, with a Platform.sh environment read by the real `platformshconfig`,
and as `codemod --write --service-env-vars` left it, with Upsun's environment (the same plus
the service variables `<REL>_<PROP>`), at runtime, at build time and locally (no Platform.sh
variables at all). Every setting (UPPERCASE module global, and a Flask app's `config`) must be
equal, and so must the exception when the module fails to load."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TESTS, run

APPS = TESTS / "fixtures" / "code"
#: fixture project -> the settings module to execute
MODULES = {
    "django": "mysite.settings",
    "django3-template": "blog.settings",
    "django4-template": "shop.settings",
    "django-two-step": "inventory.settings",
    "flask": "server",
    "wagtail-template": "cms.settings.production",
}
ENDPOINT = {"username": "main", "password": "s3cret", "path": "main", "scheme": "pgsql",
            "rel": "postgresql", "service": "db", "type": "postgresql:16", "cluster": "abc",
            "query": {"is_master": True}, "fragment": None, "public": False,
            "ip": "169.254.1.2", "host_mapped": False, "epoch": 0,
            "instance_ips": ["169.254.1.2"]}
ROUTES = {"https://main-abc.eu-3.platformsh.site/": {
    "primary": True, "id": "main", "type": "upstream", "upstream": "app",
    "original_url": "https://{default}/"}}
#: a stand-in for Flask: the settings live in `app.config`
FLASK = "class Flask:\n    def __init__(self, name):\n        self.config = {}\n\n" \
    "    def route(self, path):\n        return lambda view: view\n"
PROGRAM = """
import json, runpy, sys
sys.path[:0] = sys.argv[1:3]
try:
    space = runpy.run_module(sys.argv[3], run_name="settings")
except BaseException as exc:
    print(json.dumps({"raised": type(exc).__name__}))
else:
    found = {k: v for k, v in space.items() if k.isupper()}
    found.update({k + ".config": v.config for k, v in space.items()
                  if isinstance(getattr(v, "config", None), dict)})
    print(json.dumps(found, default=repr, sort_keys=True))
"""


def _b64(value: Any) -> str:
    return base64.b64encode(json.dumps(value).encode()).decode()


def relationships(root: Path) -> dict[str, list[dict[str, Any]]]:
    text = (root / ".platform.app.yaml").read_text(encoding="utf-8")
    names = re.findall(r"^    ([\w-]+):", text, re.MULTILINE)
    return {name: [dict(ENDPOINT, host=f"{name}.internal", hostname=f"{name}.abc.platformsh.site",
                        port=5432 + number)] for number, name in enumerate(names)}


def service_variables(rels: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    """Upsun's `<REL>_<PROP>`: strings for endpoint 0; null as ""; `query` as Python repr."""
    variables = {}
    for name, endpoints in rels.items():
        prefix = re.sub(r"[^0-9A-Z_]", "_", name.upper())
        for key, value in endpoints[0].items():
            variables[f"{prefix}_{key.upper()}"] = "" if value is None else str(value)
    return variables


def environments(root: Path) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """phase -> (Platform.sh environment, Upsun environment)."""
    build = {"PLATFORM_APPLICATION_NAME": "app", "PLATFORM_PROJECT": "abc",
             "PLATFORM_PROJECT_ENTROPY": "entropy-123", "PLATFORM_APP_DIR": str(root),
             "PLATFORM_TREE_ID": "tree", "PLATFORM_VARIABLES": _b64({}),
             "PLATFORM_APPLICATION": _b64({"name": "app"})}
    rels = relationships(root)
    runtime = build | {"PLATFORM_ENVIRONMENT": "main-abc", "PLATFORM_BRANCH": "main",
                       "PLATFORM_ENVIRONMENT_TYPE": "production", "PORT": "8888",
                       "PLATFORM_SMTP_HOST": "smtp.internal", "PLATFORM_ROUTES": _b64(ROUTES),
                       "PLATFORM_RELATIONSHIPS": _b64(rels)}
    return {"runtime": (runtime, runtime | service_variables(rels)),
            "build": (build, build), "local": ({}, {})}


def settings(root: Path, stubs: Path, module: str, env: dict[str, str]) -> Any:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(root), str(stubs), module], capture_output=True,
        text=True, check=True, cwd=root,
        env=env | {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1",
                   "PYTHONPATH": os.pathsep.join(sys.path)})
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("name", sorted(MODULES))
def test_rewritten_settings_equal_the_original_ones(name: str, tmp_path: Path) -> None:
    before, after, stubs = tmp_path / "before", tmp_path / "after", tmp_path / "stubs"
    shutil.copytree(APPS / name, before)
    shutil.copytree(APPS / name, after)
    stubs.mkdir()
    (stubs / "flask.py").write_text(FLASK, encoding="utf-8")
    written = run("codemod", "--write", "--service-env-vars", after)
    assert written.exit_code == 0, written.stdout
    assert "[rewritten]" in written.stdout
    for phase, (platformsh, _) in environments(before).items():
        expected = settings(before, stubs, MODULES[name], platformsh)
        got = settings(after, stubs, MODULES[name], environments(after)[phase][1])
        assert _relocated(got, after, before) == expected, phase


def _relocated(found: Any, after: Path, before: Path) -> Any:
    """The two copies live in different folders: compare paths relative to each."""
    return json.loads(json.dumps(found).replace(str(after), str(before)))


def test_the_oracle_sees_a_change_of_behaviour(tmp_path: Path) -> None:
    """The oracle itself: a rewrite that reads the wrong variable makes it fail."""
    root, stubs = tmp_path / "app", tmp_path / "stubs"
    shutil.copytree(APPS / "django3-template", root)
    stubs.mkdir()
    platformsh, upsun = environments(root)["runtime"]
    expected = settings(root, stubs, MODULES["django3-template"], platformsh)
    assert expected["DATABASES"]["default"]["HOST"] == "database.internal"
    assert expected["SECRET_KEY"] == "entropy-123" and expected["DEBUG"] is False
    assert run("codemod", "--write", "--service-env-vars", root).exit_code == 0
    settings_file = root / "blog" / "settings.py"
    settings_file.write_text(settings_file.read_text().replace("DATABASE_HOST", "DATABASE_IP"))
    got = settings(root, stubs, MODULES["django3-template"], upsun)
    assert got["DATABASES"]["default"]["HOST"] == "169.254.1.2" != \
        expected["DATABASES"]["default"]["HOST"]
