"""Opening a file of a dataset folder without trusting it.

A dataset folder comes from someone else: any file in it may be a symbolic link leading out
of the folder, a folder where a file is expected, a FIFO that never ends, or far larger than
any real table. Each is refused with an `InvalidInputError` naming the file, before a byte of
it is read, and the outside file a link points at is never opened (so no error can echo it).
"""

from __future__ import annotations

import stat
from pathlib import Path

from graphmodel.errors import InvalidInputError

MiB = 2**20
# A table of a million institutions is about 150 MiB of CSV; nothing real comes near these.
MAX_TABLE_BYTES = 256 * MiB
MAX_JSON_BYTES = 32 * MiB


def display(folder: Path, path: Path) -> str:
    """How a file of `folder` is named in messages: `mini/policies/x.json`."""
    try:
        return f"{folder.name}/{path.relative_to(folder).as_posix()}"
    except ValueError:
        return f"{folder.name}/{path.name}"


def present(path: Path) -> bool:
    """Whether anything (even a dangling link) is at `path`."""
    return path.exists() or path.is_symlink()


def checked(folder: Path, path: Path, shown: str) -> Path:
    """`path`, after making sure it is a regular file inside `folder`; else raise."""
    root = folder.resolve()
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise _error(shown, "cannot be opened (a dangling or looping symbolic link?)") from None
    if not real.is_relative_to(root):
        raise _error(shown, "is a symbolic link leading out of the dataset folder; refused")
    try:
        mode = real.stat().st_mode
    except OSError as exc:
        raise _error(shown, f"cannot be read: {exc.strerror}") from None
    if stat.S_ISDIR(mode):
        raise _error(shown, "is a folder; expected a file")
    if not stat.S_ISREG(mode):
        raise _error(shown, "is not a regular file (a device, FIFO or socket); refused")
    return real


def read_capped(folder: Path, path: Path, shown: str, limit: int) -> bytes:
    """The bytes of a checked file, refusing one larger than `limit`."""
    real = checked(folder, path, shown)
    try:
        size = real.stat().st_size
        if size > limit:
            raise _error(shown, f"is {size:,} bytes; the limit is {limit:,}")
        with real.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise _error(shown, f"cannot be read: {exc.strerror}") from None
    if len(data) > limit:
        raise _error(shown, f"is larger than the limit of {limit:,} bytes")
    return data


def _error(file: str, message: str) -> InvalidInputError:
    return InvalidInputError.one(message, file=file, consequence="nothing was written")
