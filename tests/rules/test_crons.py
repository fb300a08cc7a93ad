from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrator.rules.cronspec import minute_gap
from tests.rules.helpers import app_keys, check_transformed, codes, migrated

#: Crons the rule leaves as they are (UPS009 moves `cmd:` and a string `commands:` only).
NOOP = [
    pytest.param("crons:\n    modern:\n        spec: 'H H * * *'\n        commands:\n"
                 "            start: php modern.php\n", id="commands.start"),
    pytest.param("crons:\n    both:\n        spec: 'H H * * *'\n        commands:\n"
                 "            start: php run.php\n            stop: php stop.php\n",
                 id="start and stop"),
    pytest.param("crons:\n    flow:\n        spec: 'H H * * *'\n"
                 "        commands: {start: php flow.php}\n", id="a flow mapping"),
]

#: (legacy keys, the keys in the output)
FIXES = [
    pytest.param("crons:\n    short:\n        spec: 'H * * * *'\n"
                 "        cmd: 'php cron.php'   # the short one\n",
                 "crons:\n    short:\n        spec: 'H * * * *'\n        commands:\n"
                 "            start: 'php cron.php'   # the short one\n",
                 id="cmd, with a comment"),
    pytest.param("crons:\n    script:\n        spec: 'H * * * *'\n        cmd: |  # nightly\n"
                 "            php one.php\n            php two.php\n",
                 "crons:\n    script:\n        spec: 'H * * * *'\n        commands:\n"
                 "            start: |  # nightly\n                php one.php\n"
                 "                php two.php\n",
                 id="cmd, a block scalar"),
    pytest.param("crons:\n    string:\n        spec: 'H * * * *'\n"
                 "        commands: 'php other.php'\n",
                 "crons:\n    string:\n        spec: 'H * * * *'\n        commands:\n"
                 "            start: 'php other.php'\n",
                 id="commands as a string"),
]


@pytest.mark.parametrize("legacy", NOOP)
def test_noop(tmp_path: Path, legacy: str) -> None:
    output, result = app_keys(tmp_path, legacy)
    assert (output, codes(result.changes, "UPS009")) == (legacy, [])


@pytest.mark.parametrize(("legacy", "expected"), FIXES)
def test_fix(tmp_path: Path, legacy: str, expected: str) -> None:
    output, result = app_keys(tmp_path, legacy)
    assert output == expected
    assert len(codes(result.changes, "UPS009")) == 1


def test_crons(tmp_path: Path) -> None:
    result = check_transformed(
        tmp_path,
        {
            ".platform.app.yaml": """
            name: app
            type: 'php:8.3'
            crons:
                local:
                    spec: '*/5 * * * *'
                    cmd: 'php cron.php'
                string:
                    spec: 'H * * * *'
                    commands: 'php other.php'
                modern:
                    spec: 'H H * * *'
                    commands:
                        start: php modern.php
            cron:
                spec: stray
            """,
        },
        """
        applications:
            app:
                type: 'php:8.3'
                crons:
                    local:
                        spec: '*/5 * * * *'
                        commands:
                            start: 'php cron.php'
                    string:
                        spec: 'H * * * *'
                        commands:
                            start: 'php other.php'
                    modern:
                        spec: 'H H * * *'
                        commands:
                            start: php modern.php
                # cron: removed, Upsun does not accept this key (see the migration report)
    """,
    )
    assert codes(result.changes, "UPS009") == [
        # 12.18: the `cmd:` line itself, with the real command (was the `spec:` line and a
        # `<command>` placeholder)
        ".platform.app.yaml:6 applications.app.crons.local.commands: cmd: 'php cron.php' -> commands: {start: 'php cron.php'}",
        ".platform.app.yaml:9 applications.app.crons.string.commands: commands: 'php other.php' -> commands: {start: 'php other.php'}",
    ]
    assert codes(result.findings, "UPS009") == []


# -- how often a spec fires: Upsun triggers crons at most every 5 minutes -----------------------

minute_lists = st.lists(st.integers(0, 59), min_size=1, max_size=8, unique=True)


@given(minute_lists, st.sampled_from(["*", "0", "2,14", "9-17"]))
def test_the_gap_of_listed_minutes_is_their_smallest_distance(minutes: list[int],
                                                              hours: str) -> None:
    ordered = sorted(minutes)
    expected = min((b - a for a, b in zip(ordered, ordered[1:], strict=False)), default=None)
    assert minute_gap(f"{','.join(map(str, minutes))} {hours} * * *") == expected


@given(st.integers(1, 59), st.integers(0, 59), st.booleans())
def test_steps_and_ranges(step: int, start: int, hashed: bool) -> None:
    assert minute_gap(f"*/{step} * * * *") == (step if step <= 59 else None)
    assert minute_gap(f"{start}-59/{step} * * * *") == (step if start + step <= 59 else None)
    assert minute_gap(f"H/{step} * * * *") == step
    assert minute_gap(f"H({start}-59)/{step} * * * *") == (step if start + step <= 59 else None)
    assert minute_gap(f"{start} * * * *") is None and minute_gap("H H * * *") is None


def test_specs_it_cannot_read_say_nothing() -> None:
    for spec in ("@hourly", "* * * *", "61 * * * *", "*/0 * * * *", "5-1 * * * *", "H,5 * * * *",
                 "*-5 * * * *", "x * * * *"):
        assert minute_gap(spec) is None, spec


def test_a_spec_more_frequent_than_upsun_runs_crons_is_a_warning_on_its_line(
        tmp_path: Path) -> None:
    result = migrated(tmp_path, {".platform.app.yaml": """
        name: app
        type: 'php:8.4'
        crons:
            every-minute:
                spec: '* * * * *'
                cmd: 'php queue.php'
            twice:
                spec: '0,3 * * * *'
                commands: {start: 'php a.php'}
            five:
                spec: '*/5 * * * *'
                commands: {start: 'php b.php'}
            hashed:
                spec: 'H/2 * * * *'
                commands: {start: 'php c.php'}
        """})
    minimum = ("Upsun triggers crons at most every 5 minutes, so it will run less often than its "
               "spec says (on Platform.sh the minimum was 5 minutes on Professional plans, 1 "
               "minute on Elite and Enterprise)")
    assert codes(result.findings, "UPS009") == [
        f"warning .platform.app.yaml:5 app: cron 'every-minute' (spec '* * * * *') asks for runs "
        f"1 minute(s) apart; {minimum}",
        f"warning .platform.app.yaml:8 app: cron 'twice' (spec '0,3 * * * *') asks for runs 3 "
        f"minute(s) apart; {minimum}",
        f"warning .platform.app.yaml:14 app: cron 'hashed' (spec 'H/2 * * * *') asks for runs 2 "
        f"minute(s) apart; {minimum}"]
