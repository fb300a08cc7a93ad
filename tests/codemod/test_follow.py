"""Values followed through simple assignments and module constants (issue 15.2): two-step
decodes, decode helpers, constants as relationship names; what cannot be followed is
reported where `PLATFORM_RELATIONSHIPS` is read, never passed over."""

from __future__ import annotations

from pathlib import Path

import pytest
from libcst.codemod import CodemodTest

from migrator.codemod.transform import PlatformConfigCodemod

IMPORTS = "import base64\nimport json\nimport os\nimport sys\n\n"
HELPER = '''def decode(variable):
    """Decode a base64-encoded JSON variable."""
    try:
        if sys.version_info[1] > 5:
            return json.loads(base64.b64decode(variable))
        return json.loads(base64.b64decode(variable).decode("utf-8"))
    except json.decoder.JSONDecodeError:
        print("cannot decode")


'''
UNFOLLOWED = "UPS197 reported: PLATFORM_RELATIONSHIPS read here is not followed to a " \
    "decoded value: check its uses by hand (Upsun still sets it)"


def host_port(indent: str) -> str:
    return f"{indent}HOST = os.environ[\"DATABASE_HOST\"]\n" \
        f"{indent}PORT = int(os.environ[\"DATABASE_PORT\"])\n"


class TwoSteps(CodemodTest):
    TRANSFORM = PlatformConfigCodemod

    def test_read_then_decode_into_the_same_name(self) -> None:
        self.assertCodemod(
            IMPORTS + "relationships = os.getenv('PLATFORM_RELATIONSHIPS')\nif relationships:\n"
            "    relationships = json.loads(base64.b64decode(relationships).decode('utf-8'))\n"
            "    db_settings = relationships['database'][0]\n"
            "    HOST = db_settings['host']\n    PORT = db_settings['port']\n",
            IMPORTS + "relationships = os.getenv('PLATFORM_RELATIONSHIPS')\nif relationships:\n"
            + host_port("    "), service_env_vars=True, expected_warnings=[
                "10:12: UPS124 rewritten: database['host'] -> os.environ[\"DATABASE_HOST\"]",
                "11:12: UPS124 rewritten: database['port'] -> int(os.environ[\"DATABASE_PORT\"])"])

    def test_read_and_decode_under_other_names_in_a_function(self) -> None:
        before = IMPORTS + "def url():\n    raw = os.getenv('PLATFORM_RELATIONSHIPS')\n" \
            "    if raw:\n        rels = json.loads(base64.b64decode(raw).decode('utf-8'))\n" \
            "        endpoint = rels['database'][0]\n" \
            "        return '{}:{}'.format(endpoint['host'], endpoint['port'])\n"
        after = IMPORTS + "def url():\n    raw = os.getenv('PLATFORM_RELATIONSHIPS')\n" \
            "    if raw:\n        return '{}:{}'.format(os.environ[\"DATABASE_HOST\"], " \
            "int(os.environ[\"DATABASE_PORT\"]))\n"
        self.assertCodemod(before, after, service_env_vars=True, expected_warnings=[
            "11:31: UPS124 rewritten: database['host'] -> os.environ[\"DATABASE_HOST\"]",
            "11:49: UPS124 rewritten: database['port'] -> int(os.environ[\"DATABASE_PORT\"])"])

    def test_helper_branching_on_the_python_version_and_a_module_constant(self) -> None:
        before = IMPORTS + 'DB_RELATIONSHIP = "database"\n\n\n' + HELPER + \
            "if os.getenv('PLATFORM_ENVIRONMENT') is not None:\n" \
            "    # Post-build only.\n" \
            "    platform_relationships = decode(os.getenv('PLATFORM_RELATIONSHIPS'))\n" \
            "    db_settings = platform_relationships[DB_RELATIONSHIP][0]\n" \
            "    HOST = db_settings['host']\n    PORT = db_settings['port']\n"
        after = IMPORTS + 'DB_RELATIONSHIP = "database"\n\n\n' + HELPER + \
            "if os.getenv('PLATFORM_ENVIRONMENT') is not None:\n    # Post-build only.\n" + \
            host_port("    ")
        self.assertCodemod(before, after, service_env_vars=True, expected_warnings=[
            "23:12: UPS124 rewritten: database['host'] -> os.environ[\"DATABASE_HOST\"]",
            "24:12: UPS124 rewritten: database['port'] -> int(os.environ[\"DATABASE_PORT\"])"])

    def test_a_value_bound_in_two_branches_is_reported(self) -> None:
        code = IMPORTS + "if os.getenv('PLATFORM_RELATIONSHIPS'):\n" \
            "    rels = json.loads(base64.b64decode(os.environ['PLATFORM_RELATIONSHIPS']))\n" \
            "else:\n    rels = {'database': [{'host': 'localhost'}]}\n" \
            "HOST = rels['database'][0]['host']\n"
        self.assertCodemod(code, code, service_env_vars=True, expected_warnings=[
            "10:8: UPS195 reported: `rels` may hold another value here (bound in another branch "
            "too)", f"6:14: {UNFOLLOWED}"])

    def test_a_constant_bound_twice_is_not_a_relationship_name(self) -> None:
        code = IMPORTS + "REL = 'database'\nif sys.argv:\n    REL = 'other'\n" \
            "rels = json.loads(base64.b64decode(os.environ['PLATFORM_RELATIONSHIPS']))\n" \
            "HOST = rels[REL][0]['host']\n"
        self.assertCodemod(code, code, service_env_vars=True, expected_warnings=[
            "10:8: UPS192 reported: relationship name is not a literal"])


@pytest.mark.parametrize("code", [
    "if os.getenv('PLATFORM_RELATIONSHIPS'):\n    print('on Platform.sh')\n",
    "rels = json.loads(os.environ['PLATFORM_RELATIONSHIPS'])\n",
    "raw = os.environ.get('PLATFORM_RELATIONSHIPS', '')\nsettings = load(raw)\n",
    "KEY = 'PLATFORM_RELATIONSHIPS'\nrels = json.loads(base64.b64decode(os.environ[KEY]))\n",
])
def test_reads_that_cannot_be_followed_are_reported_where_they_are(code: str) -> None:
    from libcst.codemod import CodemodContext, transform_module

    command = PlatformConfigCodemod(CodemodContext(filename="app.py"), True)
    transform_module(command, IMPORTS + code)
    line = 6 + code.split("PLATFORM_RELATIONSHIPS")[0].count("\n")
    assert [(f.line, f.code) for f in command.findings] == [(line, "UPS197")]


def test_no_file_that_reads_platform_relationships_has_zero_findings(tmp_path: Path) -> None:
    """A census over every way of reading the variable these tests know."""
    from migrator.codemod import CodeOptions, run

    reads = ["os.environ['PLATFORM_RELATIONSHIPS']", "os.getenv('PLATFORM_RELATIONSHIPS')",
             "os.environ.get('PLATFORM_RELATIONSHIPS')", "environ['PLATFORM_RELATIONSHIPS']"]
    uses = ["rels = json.loads(base64.b64decode({}))\nX = rels['db'][0]['host']\n",
            "rels = json.loads(base64.b64decode({}))\nX = rels.get('db')\n",
            "raw = {}\nrels = json.loads(base64.b64decode(raw))\nX = rels['db'][0]\n",
            "raw = {}\nif raw:\n    rels = json.loads(base64.b64decode(raw))\n    X = len(rels)\n",
            "X = {}\n", "print({})\n"]
    for number, (read, use) in enumerate((r, u) for r in reads for u in uses):
        (tmp_path / f"m{number}.py").write_text(
            IMPORTS + "from os import environ\n" + use.format(read), encoding="utf-8")
    done = run(tmp_path, CodeOptions(service_env_vars=True))
    assert {f.file for f in done.findings} == {f"m{n}.py" for n in range(len(reads) * len(uses))}


class UnheldConfig(CodemodTest):
    TRANSFORM = PlatformConfigCodemod

    def test_a_config_not_held_by_a_name_is_reported(self) -> None:
        code = "import platformshconfig\n\nSECRET_KEY = platformshconfig.Config().projectEntropy\n" \
            "READERS = [platformshconfig.Config()]\n"
        message = "UPS195 reported: platformshconfig.Config() not held by a simple name " \
            "(`config = Config()`): its uses are not followed"
        self.assertCodemod(code, code, expected_warnings=[f"3:14: {message}",
                                                          f"4:12: {message}"])
