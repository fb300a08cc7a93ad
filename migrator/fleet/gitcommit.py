"""`--commit`: one git commit per migrated repository, on a branch, holding exactly its files.

Before anything is written the repository must be a git work tree of its own (git's work tree
is the folder holding `.git`) with nothing staged, and nothing uncommitted in what the
migration reads or writes (`refuse_dirty`), so the commit holds the migration and nothing else;
other uncommitted changes, untracked files included, stay as they are. The branch is checked
out when it exists, created (from the current commit) when there is something to commit. Only
the files the migration created, changed or removed are staged, new `.upsun/` files included.
Nothing is ever pushed. A second run finds nothing to do and commits nothing.

What runs: every git command goes through migrator/git.py, which turns off what lets a
repository's configuration run commands. The one exception is `git commit` itself: it runs the
hooks a `git commit` runs (pre-commit, prepare-commit-msg, commit-msg, post-commit, and
reference-transaction and post-index-change where they exist) and signs when the configuration
asks, as a commit made by hand would; with `--no-verify` it runs no hook and signs nothing.
The clean and smudge filters a repository names never run without `--git-filters`.

What can be checked is checked before anything is written: a git identity to commit with, and
that git would neither ignore nor filter a file to commit (nor, to check out the branch, filter
a file). Whether a hook will refuse cannot be known without running it. On any failure after
the branch was checked out, the repository is put back as it was: its files, its index, its
branch; the message quotes git's whole reason.
"""

from __future__ import annotations

import os
import stat
import string
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from migrator import __version__
from migrator.errors import MigratorError, RefusedError
from migrator.escape import terminal
from migrator.files import replace_file
from migrator.git import Git, reason
from migrator.legacy import reading
from migrator.migration import runner
from migrator.migration.pipeline import Metadata
from migrator.model import FileAction, MigrationResult, PlannedFile, Severity
from migrator.report import Report, planned
from migrator.report.render import headline

DEFAULT_BRANCH = "upsun-migration"
SUBJECT = "Migrate Platform.sh configuration to Upsun"
LISTED = 3  # files named in a refusal; the others are counted


def _git(git: Git, *args: str, stdin: str | None = None, hooks: bool = False) -> str:
    """A git command that must succeed; its stdout. MigratorError with git's whole reason."""
    done = git.run(*args, stdin=stdin, hooks=hooks)
    if done.returncode != 0:
        raise MigratorError(f"git {args[0]} failed: {reason(done)}", str(git.repo))
    return done.stdout


def _answer(git: Git, *args: str) -> str | None:
    """A question git answers with exit code 0 (its stdout, stripped) or 1 (None, no); any
    other exit code is a failure."""
    done = git.run(*args)
    if done.returncode not in (0, 1):
        raise MigratorError(f"git {args[0]} failed: {reason(done)}", str(git.repo))
    return done.stdout.strip() if done.returncode == 0 else None


def valid_branch(name: str) -> bool:
    return Git(None).run("check-ref-format", "--branch", name).returncode == 0


def current_branch(git: Git) -> str | None:
    return _answer(git, "symbolic-ref", "--quiet", "--short", "HEAD")


def head(git: Git) -> str:
    """Where HEAD is: `refs/heads/NAME` on a branch, else the commit it is detached at."""
    ref = _answer(git, "symbolic-ref", "--quiet", "HEAD")
    return ref or _git(git, "rev-parse", "--verify", "HEAD").strip()


def prepare(git: Git, branch: str) -> str:
    """Refuse what is not a git work tree of its own, or has staged changes; check out `branch`
    when it already exists. Where HEAD was, to go back to."""
    repo = str(git.repo)
    top = git.run("rev-parse", "--show-toplevel")
    if top.returncode == 0:
        _refuse_foreign_work_tree(git, Path(top.stdout.strip("\n")))
    inside = git.run("rev-parse", "--is-inside-work-tree")
    if inside.stdout.strip() != "true":
        said = f" ({reason(inside)})" if inside.returncode != 0 else ""
        raise RefusedError(f"not a git work tree{said}; --commit needs one", repo)
    staged = [entry for entry in status(git) if entry.staged]
    if staged:
        raise RefusedError(f"changes are staged ({_listing([str(e) for e in staged])}): the "
                           "commit would hold them; commit or unstage them first", repo)
    before = head(git)
    exists = _answer(git, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}")
    if exists is not None and current_branch(git) != branch:
        changed = _git(git, "diff-tree", "-r", "-z", "--no-renames", "--name-only", "HEAD",
                       f"refs/heads/{branch}").split("\0")
        _refuse_filtered(git, [p for p in changed if p], f"checking out {branch}")
        _git(git, "switch", "--quiet", branch)
    return before


class Entry(NamedTuple):
    """A line of `git status --porcelain`: the two status letters, the path (relative to the
    top of the work tree) and, for a rename or a copy, the path it came from."""

    code: str
    path: str
    source: str | None = None

    @property
    def staged(self) -> bool:
        """A change in the index: `git commit` would commit it."""
        return self.code[0] not in " ?!"

    def __str__(self) -> str:
        return f"{self.code.strip()} {self.path}"


def status(git: Git) -> list[Entry]:
    """Every uncommitted change, untracked files included (`--porcelain -z`: paths as they
    are, not quoted)."""
    fields = iter(_git(git, "status", "--porcelain", "-z", "--untracked-files=all").split("\0"))
    entries = []
    for field in fields:
        if len(field) < 4:
            continue
        code, path = field[:2], field[3:]
        source = next(fields, None) if code[0] in "RC" else None
        entries.append(Entry(code, path, source))
    return entries


def refuse_dirty(git: Git, result: MigrationResult) -> None:
    """Uncommitted changes to what the migration reads or writes make the commit wrong (it
    would hold `.upsun/` computed from files it does not hold, or overwrite a change): the
    files it creates, changes or removes, every legacy file, and anything under `.platform/`
    or `.upsun/`. Other changes stay as they are, uncommitted."""
    prefix = _git(git, "rev-parse", "--show-prefix").strip("\n")
    touched = {prefix + rel for rel in (*(p.path for p in result.files),
                                        *result.legacy_files)}
    folders = (f"{prefix}.platform/", f"{prefix}.upsun/")
    dirty = [str(e) for e in status(git)
             if any(path in touched or path.startswith(folders)
                    for path in (e.path, e.source) if path is not None)]
    if dirty:
        raise RefusedError(f"uncommitted changes to files the migration reads or writes "
                           f"({_listing(dirty)}); commit or stash them first", str(git.repo))


def _listing(items: list[str]) -> str:
    shown = ", ".join(item.strip() for item in items[:LISTED])
    return shown + (f" and {len(items) - LISTED} more" if len(items) > LISTED else "")


def _refuse_foreign_work_tree(git: Git, top: Path) -> None:
    """git's work tree (`top`) must be the folder holding `.git`, PATH or one above it (a
    monorepo): a `core.worktree` in the repository's configuration would make git check files
    out, and stage them, somewhere else."""
    if "GIT_WORK_TREE" in os.environ or "GIT_DIR" in os.environ:
        return  # the user's own choice
    here = Path(str(git.repo)).resolve()
    holder = next((folder for folder in (here, *here.parents)
                   if os.path.lexists(folder / ".git")), None)
    if holder != top.resolve():
        raise RefusedError(f"git's work tree is {top} (core.worktree), not the "
                           "folder holding .git: --commit would write there; refused",
                           str(git.repo))


def preflight(git: Git, files: tuple[PlannedFile, ...]) -> None:
    """What would make the commit fail or hold something else, refused before writing."""
    repo = str(git.repo)
    for name in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
        ident = git.run("var", name)
        if ident.returncode != 0:
            raise RefusedError(f"git has no identity to commit with: {reason(ident)}", repo)
    written = [p.path for p in files if p.action is not FileAction.DELETE]
    if written:
        ignored = _ignored(git, written)
        if ignored:
            raise RefusedError(f"git ignores {_listing(ignored)}: --commit would not commit "
                               "what it writes; change the ignore rules first", repo)
    _refuse_filtered(git, written, "staging the migrated files")


def _ignored(git: Git, paths: list[str]) -> list[str]:
    """`path (source:line: pattern)` for each path git ignores (negated patterns excluded)."""
    done = git.run("check-ignore", "--verbose", "-z", "--stdin", stdin="\0".join(paths) + "\0")
    if done.returncode not in (0, 1):
        raise MigratorError(f"git check-ignore failed: {reason(done)}", str(git.repo))
    fields = done.stdout.split("\0")
    found = []
    for source, line, pattern, path in zip(*[iter(fields)] * 4, strict=False):
        if not pattern.startswith("!"):
            found.append(f"{path} ({source}:{line}: {pattern})")
    return found


def _refuse_filtered(git: Git, paths: list[str], doing: str) -> None:
    """Refuse when git would run a filter the repository names on one of `paths`."""
    if git.filters or not paths:
        return
    drivers = git.drivers()
    if not any(drivers.values()):
        return
    done = git.run("check-attr", "-z", "--stdin", "filter", stdin="\0".join(paths) + "\0")
    if done.returncode != 0:
        raise MigratorError(f"git check-attr failed: {reason(done)}", str(git.repo))
    fields = done.stdout.split("\0")
    filtered = [f"{path} (filter={value})" for path, _, value in zip(*[iter(fields)] * 3,
                                                                      strict=False)
                if drivers.get(value)]
    if filtered:
        raise RefusedError(f"{doing}, git would run the filter the repository names for "
                           f"{_listing(filtered)}; pass --git-filters to let it run", str(git.repo))


#: What a `--commit-message` template may name, as `$name` or `${name}` (`$$` is a `$`).
PLACEHOLDERS = {
    "subject": f"the default subject line ({SUBJECT})",
    "summary": "the report's summary sentence",
    "files": "the files created, changed and removed, one `- verb path` line each",
    "findings": "the error- and warning-level findings, one `- severity code file:line: "
                "message` line each (empty when there is none)",
    "resources": "the `upsun resources:set` command, indented (empty when there is none)",
    "body": "the default message without its subject line",
    "version": "upsun-migrator's version",
}


def template_problem(template: str) -> str | None:
    """Why a `--commit-message` template cannot be used, or None: a placeholder it names that
    does not exist, or a `$` that starts none."""
    for match in string.Template.pattern.finditer(template):
        name = match.group("named") or match.group("braced")
        if match.group("invalid") is not None:
            line = template.count("\n", 0, match.start()) + 1
            return f"line {line}: a `$` that starts no placeholder (write `$$` for a `$`)"
        if name is not None and name not in PLACEHOLDERS:
            return f"no placeholder ${name} (there are: " \
                   f"{', '.join('$' + p for p in PLACEHOLDERS)})"
    return None


def message(report: Report, template: str | None = None) -> str:
    """The commit message: the default one, or the template with its placeholders filled in.
    Text from the repository (paths, messages) is made `escape.terminal`: a commit message is
    read in terminals and pull requests."""
    parts = _parts(report)
    body = [parts["summary"], "", parts["files"]]
    if parts["findings"]:
        body += ["", "Findings to review:", "", parts["findings"]]
    if parts["resources"]:
        body += ["", "Resources, on the production environment after the first push:", "",
                 parts["resources"]]
    body += ["", f"Generated by upsun-migrator {__version__}."]
    parts["body"] = "\n".join(body)
    if template is None:
        return f"{SUBJECT}\n\n{parts['body']}\n"
    text = string.Template(template).substitute(parts)
    return text if text.endswith("\n") else text + "\n"


def _parts(report: Report) -> dict[str, str]:
    review = [f for f in report.findings if f.severity is not Severity.INFO]
    code = [f for f in report.code if f.severity != Severity.INFO.value]
    return {
        "subject": SUBJECT,
        "summary": headline(report) + ".",
        "files": "\n".join(f"- {verb} {terminal(path)}" for verb, path in planned(report)),
        "findings": "\n".join(
            [f"- {f.severity.value} {f.code} {terminal(str(f.location))}: {terminal(f.message)}"
             for f in review]
            + [f"- {f.severity} {f.code} {terminal(f'{f.file}:{f.line}')}: "
               f"{terminal(f.message)}" for f in code]),
        "resources": f"    {report.command}" if report.command else "",
        "version": __version__,
    }


def commit(git: Git, files: tuple[PlannedFile, ...], text: str, verify: bool) -> str | None:
    """Stage exactly `files` and commit them; the short hash, None if nothing changed."""
    written = [p.path for p in files if p.action is not FileAction.DELETE]
    removed = [p.path for p in files if p.action is FileAction.DELETE]
    if written:
        _git(git, "add", "--", *written)
    if removed:
        _git(git, "rm", "--quiet", "--cached", "--ignore-unmatch", "--", *removed)
    if _answer(git, "diff", "--cached", "--quiet", "--no-ext-diff", "--no-textconv") is not None:
        return None  # the index is HEAD's: nothing to commit
    unverified = () if verify else ("--no-verify", "--no-gpg-sign")
    _git(git, "commit", "--quiet", *unverified, "--file", "-", stdin=text, hooks=verify)
    return git.run("rev-parse", "--short", "HEAD").stdout.strip()


def run(path: Path, options: runner.Options, metadata: Metadata) -> runner.Run:
    """runner.run, then the commit; nothing to do (or a failure) leaves no commit."""
    return finish(path, options, plan(path, options, metadata))


def plan(path: Path, options: runner.Options, metadata: Metadata) -> runner.Run:
    """Nothing staged, the branch checked out, then runner.plan (computed once) and the checks
    of the commit; SKIPPED when nothing is pending. A failure switches back to where HEAD
    was."""
    git = Git(path, options.git_filters)
    before = prepare(git, options.commit or DEFAULT_BRANCH)
    try:
        done = runner.plan(path, options, metadata)
        if done.status is runner.Status.MIGRATED and done.result is not None:
            refuse_dirty(git, done.result)
            preflight(git, done.result.files)
    except BaseException as exc:
        _failed(exc, _back(git, before))
        raise
    if done.status in runner.FAILURES:
        _back(git, before)
    return done._replace(before=before)


def finish(path: Path, options: runner.Options, done: runner.Run) -> runner.Run:
    """Write what was planned (runner.write_planned), then commit exactly those files; on a failure,
    the repository as it was before `plan`."""
    if done.status is not runner.Status.MIGRATED or done.result is None or done.report is None:
        return done
    git = Git(path, options.git_filters)
    branch = options.commit or DEFAULT_BRANCH
    before = done.before or head(git)
    saved: list[Saved] = []
    created = None
    try:
        saved = save(path, done.result.files)
        if current_branch(git) != branch:
            created = branch
            _git(git, "switch", "--quiet", "--create", branch)
        runner.write_planned(done, options)
        sha = commit(git, done.result.files, message(done.report, options.message),
                     options.verify)
    except BaseException as exc:
        _failed(exc, undo(git, saved, before, created))
        raise
    return done._replace(message=f"committed {sha} on {branch}" if sha
                         else f"nothing to commit on {branch}")


def abandon(path: Path, options: runner.Options, done: runner.Run, exc: BaseException) -> None:
    """A failure after `plan`, before `finish`: HEAD back where it was, said in the error."""
    if done.before is not None:
        _failed(exc, _back(Git(path, options.git_filters), done.before))


def _failed(exc: BaseException, undone: str) -> None:
    """Say, in the error about to be raised, what became of the repository."""
    if isinstance(exc, MigratorError) and undone:
        exc.message = f"{exc.message}; {undone}"
        exc.args = (exc.message,)


@dataclass(frozen=True)
class Saved:
    """A file as it was before the write: its bytes and mode, its link, or absent (None)."""

    path: str
    data: bytes | None = None
    mode: int = 0o644
    link: str | None = None


#: The largest file `save` keeps (a legacy file is at most 5 MB; `.upsun/` copies of `!archive`
#: folders may be larger): a larger one is not put back.
SAVE_LIMIT = 256 * 1024 * 1024


def save(root: Path, files: tuple[PlannedFile, ...]) -> list[Saved]:
    """Each planned file as it is now, and each folder on the way that does not exist yet. A
    file the writer would not write (a link on its way, not a regular file: writer.py refuses
    them) is left out: nothing is read through a link, nothing is put back there."""
    real_root = root.resolve()
    saved = []
    for file in files:
        if _through_link(real_root, root, file.path):
            continue
        for parent in reversed(PurePosixPath(file.path).parents[:-1]):
            if not os.path.lexists(root / parent):
                saved.append(Saved(parent.as_posix() + "/"))
        state = _state(root / file.path, file.path)
        if state is not None:
            saved.append(state)
    return saved


def _through_link(real_root: Path, root: Path, rel: str) -> bool:
    """A folder on the way from the repository to `rel` is a link (or `rel` leaves it)."""
    parent = os.path.dirname(rel)
    return os.path.realpath(root / parent) != os.path.normpath(os.path.join(real_root, parent))


def _state(full: Path, rel: str) -> Saved | None:
    """The file at `full` now; None when it is something `restore` would not put back."""
    try:
        mode = os.lstat(full).st_mode
    except FileNotFoundError:
        return Saved(rel)
    if stat.S_ISLNK(mode):
        return Saved(rel, b"", link=os.readlink(full))
    try:
        return Saved(rel, reading.read(full, SAVE_LIMIT), stat.S_IMODE(mode))
    except reading.Unreadable:
        return None


def undo(git: Git, saved: list[Saved], before: str, created: str | None) -> str:
    """Put back the files, the index entries and HEAD; what became of the repository."""
    try:
        restore(Path(str(git.repo)), saved)
        files = [s.path for s in saved if not s.path.endswith("/")]
        _git(git, "reset", "--quiet", "HEAD", "--", *files)
    except (OSError, MigratorError) as exc:
        why = exc.message if isinstance(exc, MigratorError) else str(exc)
        return (f"putting the repository back failed too ({why}): see `git status` in "
                f"{git.repo}")
    return _back(git, before, created, changed=True)


def _back(git: Git, before: str, created: str | None = None, *, changed: bool = False
          ) -> str:
    """HEAD back where it was (deleting the branch this run created); what that took, or ""
    when nothing had changed."""
    try:
        moved = head(git) != before
        if moved and before.startswith("refs/heads/"):
            _git(git, "switch", "--quiet", before.removeprefix("refs/heads/"))
        elif moved:
            _git(git, "switch", "--quiet", "--detach", before)
        if created is not None and _answer(git, "rev-parse", "--verify", "--quiet",
                                           f"refs/heads/{created}") is not None:
            _git(git, "branch", "--quiet", "--delete", "--force", created)
    except MigratorError as exc:
        return (f"switching back failed too ({exc.message}): see `git status` in "
                f"{git.repo}")
    if not (moved or changed or created):
        return ""
    return f"the repository is as it was (on {before.removeprefix('refs/heads/')})"


def restore(root: Path, saved: list[Saved]) -> None:
    """Each file `save` kept, put back if it changed since; the folders it found absent,
    removed when empty."""
    for item in saved:
        if item.path.endswith("/") or _state(root / item.path, item.path) == item:
            continue
        full = root / item.path
        if os.path.lexists(full) and (item.data is None or item.link is not None
                                      or os.path.islink(full)):
            full.unlink()
        if item.data is None:
            continue
        full.parent.mkdir(parents=True, exist_ok=True)
        if item.link is not None:
            os.symlink(item.link, full)
        else:
            replace_file(full, item.data)
            os.chmod(full, item.mode)
    for item in reversed(saved):
        folder = root / item.path
        if item.path.endswith("/") and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
