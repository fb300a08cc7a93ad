"""How rewrites sit in the user's text: comments of removed statements kept, `import os` placed
with the other imports, code under `try` that catches the library's exceptions only reported,
and credentials never read still reported (issue 15, items 3 to 6)."""

from __future__ import annotations

import pytest
from libcst.codemod import CodemodTest

from migrator.codemod.transform import PlatformConfigCodemod

CONFIG = "from platformshconfig import Config\n"
BRANCH = '"PLATFORM_BRANCH"'
REMOVED = "UPS141 rewritten: platformshconfig import no longer used: removed"


class Comments(CodemodTest):
    TRANSFORM = PlatformConfigCodemod

    def test_comments_of_a_removed_statement_go_to_the_next_one(self) -> None:
        self.assertCodemod(
            "import os\n" + CONFIG + "\n# Read the environment.\nconfig = Config()  # once\n\n"
            "# The branch.\nB = config.branch\n",
            "import os\n\n# Read the environment.\n# once\n\n# The branch.\n"
            f"B = os.environ[{BRANCH}]\n",
            expected_warnings=[f"8:5: UPS101 rewritten: config.branch -> os.environ[{BRANCH}]",
                               f"2:1: {REMOVED}"])

    def test_comments_of_the_last_statement_of_a_block_stay_in_the_block(self) -> None:
        before = "import os\n" + CONFIG + "\nconfig = Config()\nB = config.branch\n" \
            "if B:\n    X = 1\n    # The credentials.\n    creds = config.credentials('db')\n"
        self.assertCodemod(
            before + "    H = creds['host']\n",
            "import os\n\nB = os.environ[\"PLATFORM_BRANCH\"]\nif B:\n    X = 1\n"
            "    # The credentials.\n    H = os.environ[\"DB_HOST\"]\n",
            service_env_vars=True, expected_warnings=[
                f"5:5: UPS101 rewritten: config.branch -> os.environ[{BRANCH}]",
                "10:9: UPS124 rewritten: db['host'] -> os.environ[\"DB_HOST\"]", f"2:1: {REMOVED}"])

    def test_blank_lines_do_not_pile_up_where_statements_went(self) -> None:
        self.assertCodemod(
            "import os\nif os.environ.get('X'):\n    # Settings.\n    " + CONFIG +
            "\n    config = Config()\n\n    B = config.branch\n",
            f"import os\nif os.environ.get('X'):\n    # Settings.\n\n    B = os.environ[{BRANCH}]\n",
            expected_warnings=[f"8:9: UPS101 rewritten: config.branch -> os.environ[{BRANCH}]",
                               f"4:5: {REMOVED}"])

    def test_a_statement_sharing_a_line_with_a_removed_one_stays(self) -> None:
        self.assertCodemod(
            "import os\n" + CONFIG + "\nA = 1; config = Config()\nB = config.branch\n",
            f"import os\n\nA = 1\nB = os.environ[{BRANCH}]\n",
            expected_warnings=[f"5:5: UPS101 rewritten: config.branch -> os.environ[{BRANCH}]",
                               f"2:1: {REMOVED}"])


class ImportOs(CodemodTest):
    TRANSFORM = PlatformConfigCodemod
    AFTER = f"\nB = os.environ[{BRANCH}]\n"

    def check(self, imports: str, expected: str) -> None:
        line = imports.count("\n") + 3
        self.assertCodemod(
            imports + "\nconfig = Config()\nB = config.branch\n", expected + self.AFTER,
            expected_warnings=[f"{line}:5: UPS101 rewritten: config.branch -> os.environ[{BRANCH}]",
                               f"{imports.split(CONFIG)[0].count(chr(10)) + 1}:1: {REMOVED}"])

    def test_among_plain_imports_in_name_order(self) -> None:
        self.check("import json\n" + CONFIG + "import sys\n", "import json\nimport os\nimport sys\n")

    def test_before_from_imports(self) -> None:
        self.check('"""Doc."""\n\nfrom pathlib import Path\n' + CONFIG,
                   '"""Doc."""\n\nimport os\nfrom pathlib import Path\n')

    def test_after_future_imports(self) -> None:
        self.check("from __future__ import annotations\n" + CONFIG,
                   "from __future__ import annotations\n\nimport os\n")

    def test_not_at_a_late_removed_import(self) -> None:
        self.assertCodemod(
            '"""Doc."""\n\nX = 1\n\n# Platform.sh settings.\n' + CONFIG +
            "config = Config()\nB = config.branch\n",
            f'"""Doc."""\n\nimport os\n\nX = 1\n\n# Platform.sh settings.\nB = os.environ[{BRANCH}]\n',
            expected_warnings=[f"8:5: UPS101 rewritten: config.branch -> os.environ[{BRANCH}]",
                               f"6:1: {REMOVED}"])


GUARD = "(not rewritten: {} around it catches platformshconfig's exceptions, which the " \
    "rewrite does not raise)"


class CaughtExceptions(CodemodTest):
    TRANSFORM = PlatformConfigCodemod

    @staticmethod
    def code(handler: str) -> str:
        return ("import os\n" + CONFIG + "from platformshconfig.config import "
                "BuildTimeVariableAccessException\n\nconfig = Config()\ntry:\n"
                f"    B = config.branch\nexcept {handler}:\n    B = None\n")

    def test_the_library_s_exceptions_or_broad_ones_are_reported(self) -> None:
        for handler in ("BuildTimeVariableAccessException", "Exception", "(ValueError, KeyError)",
                        "RuntimeError"):
            with self.subTest(handler):
                self.assertCodemod(self.code(handler), self.code(handler), expected_warnings=[
                    f"7:9: UPS101 reported: config.branch -> os.environ[{BRANCH}] " +
                    GUARD.format(f"`except {handler}`")])

    def test_a_bare_except_is_reported(self) -> None:
        code = "import os\n" + CONFIG + "\nconfig = Config()\ntry:\n    B = config.branch\n" \
            "except:\n    B = None\n"
        self.assertCodemod(code, code, expected_warnings=[
            f"6:9: UPS101 reported: config.branch -> os.environ[{BRANCH}] " +
            GUARD.format("a bare `except:`")])

    def test_an_unrelated_handler_does_not_stop_the_rewrite(self) -> None:
        self.assertCodemod(
            self.code("ValueError"), "import os\nfrom platformshconfig.config import "
            "BuildTimeVariableAccessException\n\ntry:\n    B = os.environ[\"PLATFORM_BRANCH\"]\n"
            "except ValueError:\n    B = None\n",
            expected_warnings=[f"7:9: UPS101 rewritten: config.branch -> os.environ[{BRANCH}]",
                               f"2:1: {REMOVED}"])

    def test_credentials_assigned_under_try_are_not_rewritten_anywhere(self) -> None:
        code = "import os\n" + CONFIG + "\nconfig = Config()\ntry:\n" \
            "    creds = config.credentials('db')\nexcept Exception:\n    pass\n" \
            "H = creds['host']\n"
        self.assertCodemod(code, code, service_env_vars=True, expected_warnings=[
            "9:5: UPS124 reported: db['host'] -> os.environ[\"DB_HOST\"] " +
            GUARD.format("`except Exception`")])


class UnusedCredentials(CodemodTest):
    TRANSFORM = PlatformConfigCodemod

    def test_a_call_whose_result_is_unused_is_reported_and_the_import_stays(self) -> None:
        code = "import os\n" + CONFIG + "\nconfig = Config()\nconfig.credentials('influxdb')\n"
        self.assertCodemod(code, code, service_env_vars=True, expected_warnings=[
            "5:1: UPS121 reported: config.credentials(...) with its result unused: it only "
            "fails when the relationship is missing; not rewritten"])

    def test_credentials_never_read_are_reported(self) -> None:
        code = "import os\n" + CONFIG + "\nconfig = Config()\ninflux = config.credentials('influxdb')\n"
        self.assertCodemod(code, code, service_env_vars=True, expected_warnings=[
            "5:1: UPS124 reported: `influx` (credentials of 'influxdb') is never used: not "
            "rewritten"])


@pytest.mark.parametrize("imports", ["", "import sys\n", "import abc\nimport zlib\n",
                                     "from x import y\n", '"""Doc."""\n'])
def test_import_os_is_added_once_and_the_result_is_stable(imports: str) -> None:
    """A second run finds nothing to add (idempotence across every placement)."""
    from libcst.codemod import CodemodContext, TransformSuccess, transform_module

    first = transform_module(PlatformConfigCodemod(CodemodContext()),
                             imports + CONFIG + "config = Config()\nB = config.branch\n")
    assert isinstance(first, TransformSuccess)
    assert first.code.count("import os\n") == 1
    second = transform_module(PlatformConfigCodemod(CodemodContext()), first.code)
    assert isinstance(second, TransformSuccess) and second.code == first.code
