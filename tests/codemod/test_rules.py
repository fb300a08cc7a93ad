"""One CodemodTest per rule: exact output and exact findings (as the codemod's warnings)."""

from __future__ import annotations

from pathlib import Path

import pytest
from libcst.codemod import CodemodTest

from migrator.codemod.transform import PlatformConfigCodemod

HEADER = "import os\nfrom platformshconfig import Config\n\nconfig = Config()\n"
#: an attribute read where only its truth counts: `.get()`, no KeyError when unset
BOOLEAN_CONTEXTS = [(code.format("config.branch"), code) for code in (
    "if {}:\n    pass\n",
    "if False:\n    pass\nelif {}:\n    pass\n",
    "while {}:\n    break\n",
    "assert {}\n",
    "A = {} or 'main'\n",
    "A = 1 if {} else 2\n",
    "A = not {}\n",
    "A = [x for x in range(2) if {}]\n",
    "A = {{x for x in range(2) if {}}}\n",
    "A = {{x: x for x in range(2) if {}}}\n",
    "A = list(x for x in range(2) if x if {})\n",
    "match 1:\n    case 1 if {}:\n        pass\n",
)]


class Rules(CodemodTest):
    TRANSFORM = PlatformConfigCodemod

    def test_ups101_attributes_and_boolean_context(self) -> None:
        self.assertCodemod(
            HEADER + "name = config.applicationName\nif config.branch:\n    pass\n"
            "mail = config.smtpHost\n",
            "import os\n\nname = os.environ[\"PLATFORM_APPLICATION_NAME\"]\n"
            "if os.environ.get(\"PLATFORM_BRANCH\"):\n    pass\n"
            "mail = os.environ.get(\"PLATFORM_SMTP_HOST\")\n",
            expected_warnings=[
                '5:8: UPS101 rewritten: config.applicationName -> '
                'os.environ["PLATFORM_APPLICATION_NAME"]',
                '6:4: UPS101 rewritten: config.branch -> os.environ.get("PLATFORM_BRANCH")',
                '8:8: UPS101 rewritten: config.smtpHost -> os.environ.get("PLATFORM_SMTP_HOST")',
                "2:1: UPS141 rewritten: platformshconfig import no longer used: removed",
            ])

    def test_ups101_every_boolean_context_reads_with_get(self) -> None:
        get = 'os.environ.get("PLATFORM_BRANCH")'
        for before, after in BOOLEAN_CONTEXTS:
            with self.subTest(before):
                column = before.index("config.branch") + 1
                line = 5 + before[:column].count("\n")
                column -= before[:column].rfind("\n") + 1
                self.assertCodemod(
                    HEADER + before, "import os\n\n" + after.format(get),
                    expected_warnings=[
                        f"{line}:{column}: UPS101 rewritten: config.branch -> {get}",
                        "2:1: UPS141 rewritten: platformshconfig import no longer used: removed"])

    def test_ups102_port_and_socket(self) -> None:
        self.assertCodemod(
            HEADER + "bind = (config.socket, int(config.port))\n",
            "import os\n\nbind = (os.environ[\"SOCKET\"], int(os.environ[\"PORT\"]))\n",
            expected_warnings=[
                '5:9: UPS102 rewritten: config.socket -> os.environ["SOCKET"]',
                '5:28: UPS102 rewritten: config.port -> os.environ["PORT"]',
                "2:1: UPS141 rewritten: platformshconfig import no longer used: removed",
            ])

    def test_ups106_to_108_checks(self) -> None:
        self.assertCodemod(
            HEADER + "a = config.is_valid_platform()\nb = not config.in_build()\n"
            "c = config.in_runtime() and True\n",
            "import os\n\na = \"PLATFORM_APPLICATION_NAME\" in os.environ\n"
            "b = not (\"PLATFORM_APPLICATION_NAME\" in os.environ and \"PLATFORM_ENVIRONMENT\" "
            "not in os.environ)\nc = (\"PLATFORM_ENVIRONMENT\" in os.environ) and True\n",
            expected_warnings=[
                '5:5: UPS106 rewritten: config.is_valid_platform() -> "PLATFORM_APPLICATION_NAME" '
                'in os.environ',
                '6:9: UPS107 rewritten: config.in_build() -> "PLATFORM_APPLICATION_NAME" in '
                'os.environ and "PLATFORM_ENVIRONMENT" not in os.environ',
                '7:5: UPS108 rewritten: config.in_runtime() -> "PLATFORM_ENVIRONMENT" in '
                'os.environ',
                "2:1: UPS141 rewritten: platformshconfig import no longer used: removed",
            ])

    def test_ups111_reported_then_fixed_with_the_flag(self) -> None:
        code = HEADER + "DEBUG = not config.on_production()\n"
        message = ('5:13: UPS111 {}: config.on_production() compares the branch with `master`, '
                   'wrong when production is `main`; Upsun\'s guides test '
                   'os.environ.get("PLATFORM_ENVIRONMENT_TYPE") == "production"')
        self.assertCodemod(code, code, expected_warnings=[
            message.format("reported") + " (rewritten with --fix-production-check)"])
        self.assertCodemod(
            code, "import os\n\nDEBUG = not (os.environ.get(\"PLATFORM_ENVIRONMENT_TYPE\") == "
            "\"production\")\n", fix_production_check=True,
            expected_warnings=[message.format("rewritten"),
                               "2:1: UPS141 rewritten: platformshconfig import no longer used: "
                               "removed"])

    def test_ups112_dedicated_only(self) -> None:
        code = HEADER + "big = config.on_dedicated()\nmode = os.environ.get(\"PLATFORM_MODE\")\n"
        self.assertCodemod(code, code, expected_warnings=[
            "5:7: UPS112 reported: config.on_dedicated() reads PLATFORM_MODE, which Upsun does "
            "not set: always false",
            "6:23: UPS112 reported: PLATFORM_MODE is not set on Upsun (Dedicated only)",
        ])

    def test_ups121_inline_credentials(self) -> None:
        code = HEADER + "host = config.credentials(\"db-main\")[\"host\"]\n"
        self.assertCodemod(
            code, "import os\n\nhost = os.environ[\"DB_MAIN_HOST\"]\n", service_env_vars=True,
            expected_warnings=[
                "5:8: UPS121 rewritten: db-main['host'] -> os.environ[\"DB_MAIN_HOST\"]",
                "2:1: UPS141 rewritten: platformshconfig import no longer used: removed"])
        self.assertCodemod(code, code, expected_warnings=[
            "5:8: UPS121 reported: db-main['host'] -> os.environ[\"DB_MAIN_HOST\"] (rewritten "
            "with --service-env-vars)"])

    def test_ups122_decoded_relationships(self) -> None:
        before = ("import base64\nimport json\nimport os\n\nrels = json.loads(base64.b64decode("
                  "os.environ[\"PLATFORM_RELATIONSHIPS\"]))\nport = rels[\"cache\"][0][\"port\"]\n")
        self.assertCodemod(
            before, "import base64\nimport json\nimport os\n\nport = int(os.environ["
            "\"CACHE_PORT\"])\n", service_env_vars=True, expected_warnings=[
                "6:8: UPS122 rewritten: cache['port'] -> int(os.environ[\"CACHE_PORT\"])"])

    def test_ups123_formatted_credentials(self) -> None:
        code = HEADER + "url = config.formatted_credentials(\"db\", \"pdo_mysql\")\n"
        self.assertCodemod(code, code, service_env_vars=True, expected_warnings=[
            "5:7: UPS123 reported: config.formatted_credentials(...): build the value from the "
            "service environment variables by hand"])

    def test_ups124_all_or_nothing_per_credentials_dict(self) -> None:
        code = HEADER + ("creds = config.credentials(\"db\")\nhost = creds[\"host\"]\n"
                         "query = creds[\"query\"]\n")
        self.assertCodemod(code, code, service_env_vars=True, expected_warnings=[
            "6:8: UPS124 reported: db['host'] -> os.environ[\"DB_HOST\"] (not rewritten: "
            "another use of `creds` cannot be)",
            "7:9: UPS194 reported: key 'query' of 'db' has no service environment variable",
        ])

    def test_ups133_no_equivalent(self) -> None:
        code = HEADER + "routes = config.routes()\n"
        self.assertCodemod(code, code, expected_warnings=[
            "5:10: UPS133 reported: config.routes(): no direct environment equivalent; it still "
            "works with platformshconfig"])

    def test_ups141_import_kept_while_used(self) -> None:
        code = HEADER + "x = config.variables()\ny = config.treeID\n"
        self.assertCodemod(
            code, HEADER + "x = config.variables()\ny = os.environ[\"PLATFORM_TREE_ID\"]\n",
            expected_warnings=[
                "5:5: UPS133 reported: config.variables(): no direct environment equivalent; it "
                "still works with platformshconfig",
                '6:5: UPS101 rewritten: config.treeID -> os.environ["PLATFORM_TREE_ID"]'])

    def test_ups161_cli_token_and_cli_calls(self) -> None:
        self.assertCodemod(
            "import os\nimport subprocess\n\ntoken = os.getenv(\"PLATFORMSH_CLI_TOKEN\")\n"
            "label = \"PLATFORMSH_CLI_TOKEN\"\nsubprocess.run(\"platform backup\", shell=True)\n",
            "import os\nimport subprocess\n\ntoken = os.getenv(\"UPSUN_CLI_TOKEN\")\n"
            "label = \"PLATFORMSH_CLI_TOKEN\"\nsubprocess.run(\"platform backup\", shell=True)\n",
            expected_warnings=[
                "4:19: UPS161 rewritten: PLATFORMSH_CLI_TOKEN -> UPSUN_CLI_TOKEN",
                "5:9: UPS161 reported: PLATFORMSH_CLI_TOKEN: the upsun CLI reads UPSUN_CLI_TOKEN",
                "6:1: UPS161 reported: calls the `platform` CLI: the Upsun CLI is `upsun`"])

    def test_ups191_custom_config_skips_the_file(self) -> None:
        self.assertCodemod(
            "from platformshconfig import Config\n\nconfig = Config({\"X\": \"1\"})\n"
            "b = config.branch\n", "from platformshconfig import Config\n\nconfig = Config("
            "{\"X\": \"1\"})\nb = config.branch\n", expected_skip=True)

    def test_ups192_193_dynamic_name_and_index(self) -> None:
        code = HEADER + "name = os.environ[\"REL\"]\na = config.credentials(name)[\"host\"]\n" \
                        "b = config.credentials(\"db\", 1)[\"host\"]\n"
        self.assertCodemod(code, code, service_env_vars=True, expected_warnings=[
            "6:5: UPS192 reported: relationship name is not a literal",
            "7:5: UPS193 reported: endpoint index 1 of 'db': only index 0 has service "
            "environment variables"])

    def test_ups196_relationship_not_in_the_configuration(self) -> None:
        code = HEADER + "a = config.credentials(\"ghost\")[\"host\"]\n"
        self.assertCodemod(code, code, service_env_vars=True, relationships={"database"},
                           expected_warnings=[
                               "5:5: UPS196 reported: relationship 'ghost' is not in the "
                               "project's configuration"])

    def test_any_import_form_is_resolved(self) -> None:
        self.assertCodemod(
            "import platformshconfig as psh\n\ncfg = psh.Config()\nbranch = cfg.branch\n",
            "import os\n\nbranch = os.environ[\"PLATFORM_BRANCH\"]\n", expected_warnings=[
                '4:10: UPS101 rewritten: cfg.branch -> os.environ["PLATFORM_BRANCH"]',
                "1:1: UPS141 rewritten: platformshconfig import no longer used: removed"])

    def test_unrelated_names_are_untouched(self) -> None:
        code = ("from pyramid.config import Configurator\n\nrelationships = {\"db\": [{\"host\": "
                "\"x\"}]}\nhost = relationships[\"db\"][0][\"host\"]\n\nwith Configurator() as "
                "config:\n    config.branch = config.appDir\n")
        self.assertCodemod(code, code, service_env_vars=True, expected_warnings=[])

    def test_second_run_changes_nothing(self) -> None:
        after = "import os\n\nname = os.environ[\"PLATFORM_BRANCH\"]\n"
        self.assertCodemod(HEADER + "name = config.branch\n", after, expected_warnings=[
            '5:8: UPS101 rewritten: config.branch -> os.environ["PLATFORM_BRANCH"]',
            "2:1: UPS141 rewritten: platformshconfig import no longer used: removed"])
        self.assertCodemod(after, after, expected_warnings=[])


def test_parse_errors_and_skipped_folders_do_not_stop_the_run(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from migrator.codemod import CodeOptions, run

    (tmp_path / "broken.py").write_text("import os\nx = (os.environ['PLATFORM_BRANCH']\n")
    (tmp_path / "good.py").write_text(HEADER + "b = config.branch\n")
    for skipped in (".venv/lib", "node_modules/x", "app/migrations"):
        (tmp_path / skipped).mkdir(parents=True)
        (tmp_path / skipped / "m.py").write_text(HEADER + "b = config.branch\n")
    (tmp_path / "generated.py").write_text("#!/usr/bin/env python\n# @generated by a tool\n" +
                                           HEADER + "b = config.branch\n")
    (tmp_path / "plain_generated.py").write_text("# @generated by a tool\nX = 1\n")
    (tmp_path / "requirements.txt").write_text("django\nplatformshconfig==2.4.0\n")
    done = run(tmp_path, CodeOptions())
    found = [str(f) for f in done.findings]
    assert found[0] == ("app/migrations/m.py:1:1: UPS198 info [reported] in a `migrations` "
                        "folder: not analysed (history or build output; change its source "
                        "instead)")
    assert found[1].startswith("broken.py:2:1: UPS199 warning [reported] cannot parse: ")
    assert found[2:] == [
        "generated.py:2:1: UPS198 warning [reported] generated file ('# @generated by a tool'): "
        "not analysed; change what generates it",
        "good.py:2:1: UPS141 info [would rewrite] platformshconfig import no longer used: removed",
        'good.py:5:5: UPS101 info [would rewrite] config.branch -> os.environ["PLATFORM_BRANCH"]',
        "requirements.txt:2:1: UPS141 info [reported] platformshconfig dependency: remove it once "
        "no code imports the library",
    ]
    assert [c.path for c in done.changes] == ["good.py"]


@pytest.mark.parametrize(("header", "marker"), [
    ('"""\nDjango settings for mysite project.\n\nGenerated by \'django-admin startproject\' '
     'using Django 4.2.\n"""\n', None),
    ("# Generated by Django 4.2 on 2024-01-01\n", None),
    ("# -*- coding: utf-8 -*-\n# Generated by the protocol buffer compiler.  DO NOT EDIT!\n",
     (2, "# Generated by the protocol buffer compiler.  DO NOT EDIT!")),
    ("# @generated\n", (1, "# @generated")),
    ("\n# Code generated by a tool; do not edit.\n", (2, "# Code generated by a tool; do not edit.")),
    ("import os\n# DO NOT EDIT below this line\n", None),
    ('"""DO NOT EDIT"""\n', None),
])
def test_only_real_generated_markers_in_the_opening_comments(
        header: str, marker: tuple[int, str] | None) -> None:
    from migrator.codemod import generated_marker

    assert generated_marker(header + "from platformshconfig import Config\n") == marker


def test_django_startproject_settings_are_analysed(tmp_path: Path) -> None:
    from migrator.codemod import CodeOptions, run

    (tmp_path / "settings.py").write_text(
        '"""\nDjango settings for mysite project.\n\nGenerated by \'django-admin startproject\' '
        'using Django 4.2.\n"""\n' + HEADER + "SECRET_KEY = config.projectEntropy\n")
    assert [str(f) for f in run(tmp_path, CodeOptions()).findings] == [
        "settings.py:7:1: UPS141 info [would rewrite] platformshconfig import no longer used: "
        "removed",
        'settings.py:10:14: UPS101 info [would rewrite] config.projectEntropy -> '
        'os.environ["PLATFORM_PROJECT_ENTROPY"]']


class FStrings(CodemodTest):
    """Issue 12.4: a rewrite inside an f-string takes the quotes the f-string leaves free."""

    TRANSFORM = PlatformConfigCodemod

    def test_double_quoted_f_string_gets_single_quotes(self) -> None:
        before = HEADER + 'creds = config.credentials("database")\n' \
            'URL = f"mysql://{creds[\'username\']}@{creds[\'host\']}:{creds[\'port\']}/x"\n'
        after = "import os\n\nURL = f\"mysql://{os.environ['DATABASE_USERNAME']}@" \
            "{os.environ['DATABASE_HOST']}:{int(os.environ['DATABASE_PORT'])}/x\"\n"
        self.assertCodemod(before, after, service_env_vars=True, expected_warnings=[
            "6:18: UPS124 rewritten: database['username'] -> os.environ[\"DATABASE_USERNAME\"]",
            "6:38: UPS124 rewritten: database['host'] -> os.environ[\"DATABASE_HOST\"]",
            "6:54: UPS124 rewritten: database['port'] -> int(os.environ[\"DATABASE_PORT\"])",
            "2:1: UPS141 rewritten: platformshconfig import no longer used: removed"])
        compile(after, "after.py", "exec")

    def test_single_quoted_and_triple_quoted_f_strings(self) -> None:
        before = HEADER + "A = f'{config.branch}'\nB = f\"\"\"{config.branch}\"\"\"\n"
        after = "import os\n\nA = f'{os.environ[\"PLATFORM_BRANCH\"]}'\n" \
            "B = f\"\"\"{os.environ['PLATFORM_BRANCH']}\"\"\"\n"
        self.assertCodemod(before, after, expected_warnings=[
            '5:8: UPS101 rewritten: config.branch -> os.environ["PLATFORM_BRANCH"]',
            '6:10: UPS101 rewritten: config.branch -> os.environ["PLATFORM_BRANCH"]',
            "2:1: UPS141 rewritten: platformshconfig import no longer used: removed"])
        compile(after, "after.py", "exec")

    def test_both_quotes_taken_is_reported_not_rewritten(self) -> None:
        code = HEADER + "A = f\"{f'{config.branch}'}\"\n"
        self.assertCodemod(code, code, expected_warnings=[
            '5:11: UPS101 reported: config.branch -> os.environ["PLATFORM_BRANCH"] (not '
            'rewritten: inside f-strings that use both quote characters, which Python before '
            '3.12 cannot nest)'])


@pytest.mark.parametrize(("old", "new", "problem"), [
    ('x = f"{a}"\n', "x = f\"{a['k']}\"\n", None),
    ('x = f"{a}"\n', 'x = f"{a["k"]}"\n', "an f-string would hold its own quote character (a "
                                           "SyntaxError before Python 3.12)"),
    ("x = 1\n", "x = 1\nreturn x\n", "the rewrite would not compile: 'return' outside "
                                     "function (line 2)"),
    ("return 1\n", "return 2\n", None),  # it did not compile before either
    ('x = f"{a["k"]}"\n', 'x = f"{a["k"]}"\n', None),  # the app already needs 3.12
])
def test_a_rewrite_that_would_not_parse_is_refused(old: str, new: str,
                                                   problem: str | None) -> None:
    import libcst as cst

    from migrator.codemod.compat import Parsed, breaks, fstrings

    trees = [Parsed(code, fstrings(cst.parse_module(code))) for code in (old, new)]
    assert breaks(*trees, "app.py") == problem


def test_rewritten_files_compile_before_python_3_12(tmp_path: Path) -> None:
    """Every rewritten file parses with libcst and compiles here (3.11 rejects nested quotes)."""
    import libcst as cst

    from migrator.codemod import CodeOptions, run

    (tmp_path / "app.py").write_text(
        HEADER + "creds = config.credentials('database')\n"
        "URL = f\"mysql://{creds['username']}:{creds['password']}@{creds['host']}\"\n"
        "NAME = f'{config.applicationName}-{config.branch}'\n")
    done = run(tmp_path, CodeOptions(service_env_vars=True))
    (change,) = done.changes
    cst.parse_module(change.new)
    compile(change.new, "app.py", "exec", dont_inherit=True)
    assert "os.environ['DATABASE_USERNAME']" in change.new
    assert 'os.environ["PLATFORM_BRANCH"]' in change.new


READS = {"attribute": "config.branch", "check": "config.in_runtime()",
         "credentials": "config.credentials(Qdb Q)[QhostQ]".replace(" ", "")}
FSTRINGS = ['f"<@>"', "f'<@>'", 'f"""<@>"""', "f'''<@>'''", 'rf"<@>"', 'F"{{x}}<@>"',
            "f\"{f'<@>'}\"", "f'{f\"<@>\"}'", 'f"{x!r:>{10}}<@>"']


def _cases() -> list[tuple[str, str]]:
    """Every read in every f-string it can be written in before the rewrite (Python 3.11)."""
    cases = []
    for template in FSTRINGS:
        for text in READS.values():
            free = [q for q in "'\"" if q not in template.replace("@", "")]
            if "Q" in text and not free:
                continue  # no literal fits inside both quote characters
            cases.append((template, text.replace("Q", free[0] if free else "")))
    return cases


@pytest.mark.parametrize(("template", "read"), _cases())
def test_every_read_in_every_f_string_compiles_or_is_reported(template: str, read: str) -> None:
    """The class of 12.4: whatever the f-string's quotes and nesting, the rewritten module
    compiles here (3.11 rejects nested same quotes) and nests no quote in its own f-string;
    when no quote is free, the read is reported and left as it was."""
    import libcst as cst
    from libcst.codemod import CodemodContext, TransformSuccess, transform_module

    from migrator.codemod.compat import clashes, fstrings

    code = HEADER + "x = 1\nV = " + template.replace("@", "{" + read + "}") + "\n"
    compile(code, "before.py", "exec")
    command = PlatformConfigCodemod(CodemodContext(filename="app.py"), service_env_vars=True)
    result = transform_module(command, code)
    assert isinstance(result, TransformSuccess)
    compile(result.code, "after.py", "exec", dont_inherit=True)
    assert clashes(fstrings(cst.parse_module(result.code))) == 0
    (finding,) = [f for f in command.findings if f.line == 6]
    assert finding.fix == (read not in result.code)
    if not finding.fix:
        assert "inside f-strings that use both quote characters" in finding.message
