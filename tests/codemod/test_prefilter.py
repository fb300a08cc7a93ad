"""Which files go to libcst: those that name Platform.sh as a whole word (the library, a
`PLATFORM_...` variable, the `PLATFORMSH_` CLI token), not those where `PLATFORM` is part of
another word, as in the standard library's `sysconfig.py` (`_PYTHON_HOST_PLATFORM`). A file the
pre-filter passes over could not have had a finding."""

from __future__ import annotations

import string
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from migrator.codemod import CodeOptions, _analyse, mentions_platform, run
from tests.conftest import write_files

SYSCONFIG = '''import os
import sys


def get_platform():
    if "_PYTHON_HOST_PLATFORM" in os.environ:
        return os.environ["_PYTHON_HOST_PLATFORM"]
    return sys.platform.upper() + "_PLATFORMS"
'''
SETTINGS = '''import base64
import json
import os

relationships = json.loads(base64.b64decode(os.environ["PLATFORM_RELATIONSHIPS"]))
DATABASE_HOST = relationships["database"][0]["host"]
'''


def test_platform_inside_another_word_is_not_analysed_and_a_real_use_is(tmp_path: Path) -> None:
    write_files(tmp_path, {"sysconfig.py": SYSCONFIG, "settings.py": SETTINGS,
                           "migrations/0001_host.py": SYSCONFIG,
                           "migrations/0002_branch.py": 'import os\nB = os.environ["PLATFORM_BRANCH"]\n'})
    done = run(tmp_path, CodeOptions(service_env_vars=True))
    assert done.analysed == ("settings.py",)
    assert [str(f) for f in done.findings] == [
        "migrations/0002_branch.py:1:1: UPS198 info [reported] in a `migrations` folder: not "
        "analysed (history or build output; change its source instead)",
        "settings.py:6:17: UPS122 info [would rewrite] database['host'] -> "
        "os.environ[\"DATABASE_HOST\"]"]


#: Uses the codemod reports, with `{}` where one of Platform.sh's names goes.
USES = {
    "platformshconfig": "from {} import Config\n\nconfig = Config()\nNAME = config.branch\n",
    "PLATFORM_RELATIONSHIPS": SETTINGS.replace("PLATFORM_RELATIONSHIPS", "{}"),
    "PLATFORMSH_CLI_TOKEN": 'import os\n\nTOKEN = os.environ["{}"]\n',
    "PLATFORM_MODE": 'import os\n\nMODE = os.environ.get("{}")\n',
    "PLATFORM_CLUSTER": 'import os\n\nCLUSTER = os.getenv("{}")\n',
}
WORD = string.ascii_letters + string.digits + "_"


@given(name=st.sampled_from(sorted(USES)), before=st.text(string.ascii_letters + "_", max_size=3),
       after=st.text(WORD, max_size=3))
def test_the_pre_filter_loses_no_finding(name: str, before: str, after: str) -> None:
    """Glued to other letters (`X_PLATFORM_MODE`, `platformshconfig2`), a name is not one: such
    a file is not analysed, and analysing it would have found nothing. The name alone is
    analysed, and found."""
    source = USES[name].format(before + name + after)
    findings, new = _analyse("app.py", source, CodeOptions(True, True), None)
    whole = before == "" and (after == "" or name.startswith("PLATFORM"))
    assert mentions_platform(source) == whole
    if not whole:
        assert (findings, new) == ([], None)
    if before == after == "":
        assert findings


def test_a_platform_cli_call_is_reported_in_a_file_that_names_platform_sh(tmp_path: Path) -> None:
    """The `platform` command is a common word: its calls are looked for in the files that
    name Platform.sh, not in every file that holds the word."""
    call = 'import os\nimport subprocess\n\nsubprocess.run(["platform", "backup:create"])\n'
    write_files(tmp_path, {"deploy.py": call + 'TOKEN = os.environ["PLATFORMSH_CLI_TOKEN"]\n',
                           "tools.py": call + 'HOST = os.environ["_PYTHON_HOST_PLATFORM"]\n'})
    done = run(tmp_path, CodeOptions())
    assert done.analysed == ("deploy.py",)
    assert [str(f) for f in done.findings] == [
        "deploy.py:4:1: UPS161 info [reported] calls the `platform` CLI: the Upsun CLI is `upsun`",
        "deploy.py:5:20: UPS161 info [would rewrite] PLATFORMSH_CLI_TOKEN -> UPSUN_CLI_TOKEN"]
