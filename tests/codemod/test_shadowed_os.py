"""`os.environ` only where `os` names the os module: a read where `os` may be bound to something
else (a parameter, a local, a comprehension variable, `from os import environ as os`, a later
rebinding...) is reported, not rewritten. The class test executes every placement, as it was
under Platform.sh and as rewritten under Upsun, and demands the same result."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from libcst.codemod import CodemodTest

from migrator import codemod
from migrator.codemod.transform import PlatformConfigCodemod
from tests.codemod.test_oracle import environments
from tests.conftest import thorough

CONFIG = "from platformshconfig import Config\n\nconfig = Config()\n"
BRANCH = 'os.environ["PLATFORM_BRANCH"]'
WHY = "(not rewritten: `os` here may name something other than the os module: it is bound on " \
    "line {})"


class Shadowed(CodemodTest):
    TRANSFORM = PlatformConfigCodemod

    def check(self, code: str, place: str, line: int, replacement: str = BRANCH) -> None:
        self.assertCodemod(code, code, expected_warnings=[
            f"{place}: UPS101 reported: config.branch -> {replacement} {WHY.format(line)}"])

    def test_a_parameter_named_os(self) -> None:
        self.check(CONFIG + "\n\ndef f(os):\n    return config.branch\n", "7:12", 6)

    def test_a_local_named_os(self) -> None:
        self.check("import os\n" + CONFIG + "\n\ndef f():\n    os = 'linux'\n"
                   "    return config.branch\n", "9:12", 8)

    def test_a_comprehension_variable_named_os(self) -> None:
        self.check(CONFIG + "A = [os for os in ('a',) if config.branch]\n", "4:29", 4,
                   'os.environ.get("PLATFORM_BRANCH")')

    def test_environ_imported_as_os(self) -> None:
        self.check("from os import environ as os\n\n" + CONFIG + "B = config.branch\n", "6:5", 1)

    def test_a_later_module_level_rebinding(self) -> None:
        self.check("import os\n" + CONFIG + "\n\ndef f():\n    return config.branch\n\n\n"
                   "os = 'linux'\n", "8:12", 11)

    def test_del_os(self) -> None:
        code = "import os\n" + CONFIG + "del os\nB = config.branch\n"
        self.assertCodemod(code, code, expected_warnings=[
            f"6:5: UPS101 reported: config.branch -> {BRANCH} (not rewritten: `del os` in this "
            "file: `os` may not name the os module here)"])

    def test_a_shadowed_credential_blocks_the_others(self) -> None:
        code = "import os\n" + CONFIG + "creds = config.credentials('db')\nH = creds['host']\n" \
            "P = [os for os in ('a',) if creds['port']]\n"
        self.assertCodemod(code, code, service_env_vars=True, expected_warnings=[
            "6:5: UPS124 reported: db['host'] -> os.environ[\"DB_HOST\"] (not rewritten: "
            "another use of `creds` cannot be)",
            "7:29: UPS124 reported: db['port'] -> int(os.environ[\"DB_PORT\"]) "
            + WHY.format(7)])

    def test_import_os_after_the_read_is_added_before_it(self) -> None:
        self.assertCodemod(
            CONFIG + "B = config.branch\n\nimport os\n",
            f"import os\n\nB = {BRANCH}\n\nimport os\n", expected_warnings=[
                f"4:5: UPS101 rewritten: config.branch -> {BRANCH}",
                "1:1: UPS141 rewritten: platformshconfig import no longer used: removed"])

    def test_a_local_os_elsewhere_does_not_matter(self) -> None:
        self.assertCodemod(
            CONFIG + "\n\ndef g():\n    os = 1\n    return os\n\n\nB = config.branch\n",
            f"import os\n\n\ndef g():\n    os = 1\n    return os\n\n\nB = {BRANCH}\n",
            expected_warnings=[
                f"11:5: UPS101 rewritten: config.branch -> {BRANCH}",
                "1:1: UPS141 rewritten: platformshconfig import no longer used: removed"])


#: where a binding of `os` may sit relative to a read ({read}); each sets RESULT
PLACEMENTS = {
    "parameter": "def f(os):\n    return {read}\nRESULT = f('x')\n",
    "local": "def f():\n    os = 'linux'\n    return {read}\nRESULT = f()\n",
    "local_after": "def f():\n    value = {read}\n    os = 'x'\n    return value, os\n"
                   "RESULT = f()\n",
    "global_later": "def f():\n    return {read}\nos = 'linux'\nRESULT = f()\n",
    "global_in_function": "def g():\n    global os\n    os = 'x'\ng()\nRESULT = {read}\n",
    "comprehension": "RESULT = [os for os in ('a',) if {read}]\n",
    "comprehension_element": "RESULT = [({read}, os) for os in ('a',)]\n",
    "lambda": "RESULT = (lambda os: {read})('x')\n",
    "class_body": "class C:\n    os = 'x'\n    VALUE = {read}\nRESULT = C.VALUE\n",
    "except_as": "try:\n    raise ValueError\nexcept ValueError as os:\n    pass\n"
                 "RESULT = {read}\n",
    "for": "for os in ('a',):\n    pass\nRESULT = {read}\n",
    "with": "import contextlib\nwith contextlib.nullcontext('a') as os:\n    RESULT = {read}\n",
    "import_as": "import sys as os\nRESULT = {read}\n",
    "from_os_import_as": "from os import environ as os\nRESULT = {read}\n",
    "walrus": "def f():\n    if (os := 'x'):\n        return {read}\nRESULT = f()\n",
    "closure": "def f():\n    os = 'x'\n    def g():\n        return {read}\n    return g()\n"
               "RESULT = f()\n",
    "del": "import os\ndel os\nRESULT = {read}\n",
    # where `os` does name the module: rewritten
    "late_import": "RESULT = {read}\nimport os\n",
    "conditional_import": "if False:\n    import os\nRESULT = {read}\n",
    "sibling_function": "def g():\n    os = 'x'\n    return os\ndef f():\n    return {read}\n"
                        "RESULT = (f(), g())\n",
    "method_beside_a_class_os": "class C:\n    os = 'x'\n    def f(self):\n        return {read}\n"
                                "RESULT = C().f()\n",
}
SAFE = {"late_import", "conditional_import", "sibling_function", "method_beside_a_class_os"}
#: (in_runtime() returns PLATFORM_ENVIRONMENT's value, not the bool it documents: only its
#: truth is compared)
READS = {"attribute": "config.branch", "check": "bool(config.in_runtime())",
         "credential": "config.credentials('database')['host']"}
HEADS = {"plain": "", "import_os": "import os\n"}
#: (head, placement, read) of each file: every combination in the `ci` profile; in `dev`, every
#: placement once, the heads and the reads taken in turn.
COMBINATIONS = [(h, p, r) for h in HEADS for p in PLACEMENTS for r in READS] if thorough() else \
    [(list(HEADS)[n % len(HEADS)], p, list(READS)[n % len(READS)])
     for n, p in enumerate(PLACEMENTS)]
PROGRAM = """
import json, runpy, sys
found = {}
for path in sys.argv[1:]:
    try:
        found[path] = repr(runpy.run_path(path, run_name="settings").get("RESULT"))
    except BaseException as exc:
        found[path] = "raised " + type(exc).__name__
print(json.dumps(found))
"""


def _results(root: Path, env: dict[str, str]) -> dict[str, str]:
    files = sorted(p.name for p in root.glob("*.py"))
    done = subprocess.run([sys.executable, "-c", PROGRAM, *files], capture_output=True,
                          text=True, check=True, cwd=root, env=env | {"PYTHONPATH": ":".join(
                              sys.path), "PYTHONDONTWRITEBYTECODE": "1"})
    found: dict[str, str] = json.loads(done.stdout)
    return found


def test_every_placement_of_a_shadowing_os_keeps_the_behaviour(tmp_path: Path) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    for root in (before, after):
        root.mkdir()
        (root / ".platform.app.yaml").write_text("relationships:\n    database: 'db:pg'\n",
                                                 encoding="utf-8")
        for head, place, read in COMBINATIONS:
            code = HEADS[head] + CONFIG + PLACEMENTS[place].format(read=READS[read])
            (root / f"{head}-{place}-{read}.py").write_text(code, encoding="utf-8")
    done = codemod.write(after, codemod.run(after, codemod.CodeOptions(True, False), None))
    changed = {c.path for c in done.changes}
    platformsh, upsun = environments(before)["runtime"]
    expected, got = _results(before, platformsh), _results(after, upsun)
    assert not [name for name, result in expected.items() if result.startswith("raised")]
    for name in expected:
        if name in changed:
            assert got[name] == expected[name], name
        else:
            assert (after / name).read_text(encoding="utf-8") == \
                (before / name).read_text(encoding="utf-8")
            assert [f for f in done.findings if f.file == name and "os` " in f.message], name
    assert changed == {f"{h}-{p}-{r}.py" for h, p, r in COMBINATIONS if p in SAFE}
