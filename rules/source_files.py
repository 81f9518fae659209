"""Reading the user's files from disk: regular files only (after resolving links), with a bound.

A cloned repository can hold anything under a `.py` name: a link to `/dev/zero` (whose
`st_size` is 0, so a size check alone lets an unbounded read eat all memory), a FIFO (a read
blocks forever), a symlink loop, a 32 MB generated module, a file the user may not read. The
CLI, the workspace index and the language server's workspace check all read through
`read_source_file`, which never reads more than the limit and never opens anything that is
not a regular file; whatever it refuses comes back as a `SkippedFile` whose reason is shown
to the user (stderr, JSON, SARIF, the editor), never silently dropped.
"""
from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

#: `max-file-size` in [tool.resilint] (bytes): files above it are skipped, named, not analysed.
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
#: Read in chunks so a file that grows between stat and read is cut off at the limit.
_CHUNK = 1024 * 1024

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
)


class SkippedFile(Exception):
    """A file that was not analysed, and why (shown to the user as is)."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(reason)
        self.path = Path(path)
        self.reason = reason


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno == errno.ENOENT:
        return "broken symlink or deleted file"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return f"cannot read: {exc.strerror or exc}"


def check_regular(path: Path | str, limit: int = DEFAULT_MAX_FILE_SIZE) -> os.stat_result:
    """The file's stat (links resolved) when it is a regular file within `limit` bytes."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise SkippedFile(path, _os_reason(exc)) from None
    check_stat(path, st, limit)
    return st


def check_stat(path: Path | str, st: os.stat_result | FileStat, limit: int) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise SkippedFile(path, f"not a regular file ({_kind(st.st_mode)})")
    if st.st_size > limit:
        raise SkippedFile(path, f"{st.st_size} bytes is over the max-file-size limit of {limit} bytes")


def read_source_file(path: Path | str, limit: int = DEFAULT_MAX_FILE_SIZE) -> bytes:
    """The file's bytes, read with a bound; raises SkippedFile for anything else.

    The check is made again on the open descriptor (O_NONBLOCK: a path swapped for a FIFO
    after the first stat cannot block the open), so a race cannot slip a device through.
    """
    check_regular(path, limit)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise SkippedFile(path, _os_reason(exc)) from None
    try:
        check_stat(path, os.fstat(fd), limit)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise SkippedFile(path, f"over the max-file-size limit of {limit} bytes (it grew while read)")
        return b"".join(chunks)
    except OSError as exc:
        raise SkippedFile(path, _os_reason(exc)) from None
    finally:
        os.close(fd)


class FileStat(NamedTuple):
    """What a walk keeps of a file's stat: an `os.stat_result` is a dozen objects, and a
    workspace check holds one per file (8,000 of them were 5 MB). Read like a stat result."""

    st_mode: int
    st_size: int
    st_mtime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> FileStat:
        return cls(st.st_mode, st.st_size, st.st_mtime_ns)


@dataclass(frozen=True)
class WalkedFile:
    """A file found by `walk_files`: where it was found, its real path, and its stat."""

    path: str  #: the walked folder's path joined with the names below it
    real: str  #: links resolved (what `os.path.realpath(path)` gives)
    #: where it was found, its folder's links resolved: `real`, unless the file is a link
    located: str
    #: `os.stat(real)`, links followed; None when that fails (a broken link, a symlink loop)
    stat: FileStat | None


def walk_files(top: Path | str, suffixes: tuple[str, ...],
               prune: Callable[[str, str], bool]) -> Iterator[WalkedFile]:
    """Files under `top` whose names end with one of `suffixes`, in `os.walk` order (top-down,
    names sorted, a folder's files before its sub-folders; linked folders are not entered).

    A large tree is walked and stat-ed once here: each entry's real path is its folder's real
    path and its name unless the entry is itself a link (`realpath` per file costs an `lstat`
    per path component), and its stat is taken once, for the caller to reuse. `prune(name,
    real_parent)` says which sub-folders to leave out. Nothing is opened or read.
    """
    yield from _walk(str(top), os.path.realpath(top), suffixes, prune)


def _walk(folder: str, real_folder: str, suffixes: tuple[str, ...],
          prune: Callable[[str, str], bool]) -> Iterator[WalkedFile]:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:  # unreadable or vanished: as os.walk, nothing under it
        return
    subfolders = []
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if not entry.is_symlink() and not prune(entry.name, real_folder):
                subfolders.append(entry)
            continue
        if not entry.name.endswith(suffixes):
            continue
        located = os.path.join(real_folder, entry.name)
        if entry.is_symlink():
            real = os.path.realpath(entry.path)
            try:
                st: FileStat | None = FileStat.of(os.stat(real))
            except OSError:
                st = None
        else:
            real = located
            try:
                st = FileStat.of(entry.stat())
            except OSError:  # deleted while walking
                st = None
        yield WalkedFile(entry.path, real, located, st)
    for entry in subfolders:
        yield from _walk(entry.path, os.path.join(real_folder, entry.name), suffixes, prune)


def display_text(data: bytes) -> str:
    """The file's text for excerpts and fixes (latin-1 when it is not UTF-8: never fails)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")
