"""libcst in a child process: a file that crashes its native parser, or keeps it busy past
TIMEOUT, becomes a finding for that file, never the end of the run.

libcst parses with a native parser: on a file of 2,000 nested parentheses it ends the process
with SIGSEGV (libcst 1.9.0), which no `except` can catch; so do chains of 20,000 unary
operators, `not`s, `lambda`s or `and`s, and a chain of 20,000 `+` kept it busy for over a
minute. Python itself refuses brackets nested more than 200 deep ("too many nested parentheses":
CPython `Parser/lexer/state.h`, MAXLEVEL), so `too_deep` refuses such a file with that reason
before libcst sees it; the child process takes care of whatever else crashes or hangs the
parser. One child serves the whole run (started at the first file to analyse, replaced after a
crash or a timeout); a request costs a round trip through a pipe (docs/codemod.md, "Limits").
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import multiprocessing
import os
import signal
import tokenize
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from migrator.codemod.findings import CodeFinding

#: Seconds one file may take (parse, analysis, rewrite and its check): several times what the
#: largest file read (reading.MAX_BYTES) takes (docs/codemod.md, "Limits").
TIMEOUT = 120.0
#: Memory the child may take beyond what it starts with (where the system lets it be bounded):
#: 20,000 unary minus signs took libcst 5.5 GB before it crashed; 229 kB of Python, 145 MB.
MEMORY = 2 * 1024 ** 3
#: Python's limit on nested brackets (CPython `Parser/lexer/state.h`: `#define MAXLEVEL 200`).
MAX_NESTING = 200

Reply = tuple[list[CodeFinding], str | None]  # the findings, and the rewritten text if any


def too_deep(source: str) -> tuple[int, int] | None:
    """Where (line, column, 1-based) a bracket opens beyond Python's limit, or None."""
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type != tokenize.OP:
                continue
            if token.string in ("(", "[", "{"):
                depth += 1
                if depth > MAX_NESTING:
                    return token.start[0], token.start[1] + 1
            elif token.string in (")", "]", "}"):
                depth -= 1
    except (tokenize.TokenError, SyntaxError) as exc:  # Python 3.12+ tokenizes as it compiles
        if "too many nested parentheses" in str(exc):
            where = exc.args[1] if len(exc.args) > 1 else (1, 0)
            return (where[0], where[1] + 1) if isinstance(where, tuple) else (1, 1)
    return None


def _serve(conn: Connection, analyse: Callable[..., Reply]) -> None:
    """The child: analyse each request until told to stop (None) or the parent goes away. A
    bug (an exception) goes back to the parent, which raises it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _quiet()
    _limit()
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        try:
            reply: Reply | BaseException = analyse(*request)
        except MemoryError:
            reply = [_finding(request[0], f"not analysed: libcst needs more than "
                                          f"{MEMORY // 1024 ** 3} GB for it")], None
        except Exception as exc:  # noqa: BLE001 - a bug: the parent raises it
            reply = _Failed(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
        conn.send(reply)


def _quiet() -> None:
    """What a dying parser writes (Rust's "memory allocation of 72 bytes failed") is not the
    user's to read: the child's stdout and stderr go nowhere; its replies go through the pipe."""
    faulthandler.disable()  # if it was on, it would write the crash's traceback
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.close(devnull)


class _Failed(Exception):
    """A bug in the child, with its traceback."""


def _limit() -> None:
    """No core file in the user's folder from a crash; memory bounded, where the system says
    how much the process has (Linux's /proc)."""
    try:
        import resource
    except ImportError:  # not a POSIX system
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            size = int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (size + MEMORY, resource.RLIM_INFINITY))


class Isolated:
    """`analyse(rel, *args) -> Reply`, run in a child process; a context manager."""

    def __init__(self, analyse: Callable[..., Reply], timeout: float | None = None) -> None:
        self.analyse, self.timeout = analyse, TIMEOUT if timeout is None else timeout
        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.process: Any = None
        self.conn: Connection | None = None

    def __enter__(self) -> Isolated:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def run(self, rel: str, *args: object) -> Reply:
        conn = self.conn if self.conn is not None else self._start()
        try:
            conn.send((rel, *args))
        except OSError:  # the child is gone: a fresh one
            self._stop(kill=True)
            conn = self._start()
            conn.send((rel, *args))
        if not conn.poll(self.timeout):
            self._stop(kill=True)
            return [_finding(rel, f"not analysed: it took libcst more than {self.timeout:g} s")
                    ], None
        try:
            reply: Reply | _Failed = conn.recv()
        except (EOFError, OSError):
            code = self._stop(kill=False)
            return [_finding(rel, f"not analysed: libcst's parser crashed on this file "
                                  f"({_describe(code)})")], None
        if isinstance(reply, _Failed):
            raise reply
        return reply

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(OSError):
                self.conn.send(None)
            self._stop(kill=False)

    def _start(self) -> Connection:
        if self.context.get_start_method() == "fork":
            import libcst.codemod  # noqa: F401 - imported once here, every child inherits it

            from migrator.codemod import compat, transform  # noqa: F401
        parent, child = self.context.Pipe()
        self.process = self.context.Process(  # type: ignore[attr-defined]
            target=_serve, args=(child, self.analyse), daemon=True)
        self.process.start()
        child.close()
        self.conn = parent
        return parent

    def _stop(self, kill: bool) -> int | None:
        """End the child (killed, or left to exit); its exit code."""
        process, self.process = self.process, None
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if process is None:
            return None
        if kill:
            process.kill()
        process.join(timeout=5)
        if process.exitcode is None:
            process.kill()
            process.join()
        return process.exitcode  # type: ignore[no-any-return]


def _describe(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


def _finding(rel: str, message: str) -> CodeFinding:
    return CodeFinding(rel, 1, 1, "UPS199", "warning", message)
