"""Where uploaded files live: a small Protocol, a local directory, and memory for tests.

Side effects behind a Protocol (STYLE.md rule 4): the services hand bytes to a ``Storage``
under a key they choose, and read them back by that key; which storage is used is decided
where the application is put together (``TRADEBASE_STORAGE_DIR``). Keys are plain relative
paths of safe characters, so that no key can reach outside the directory.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from tradebase.errors import InvalidInput, NotFound

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")


def check_key(key: str) -> str:
    """``key`` if it is a safe relative path (letters, digits, ``._-``, ``/`` between parts,
    no part starting with a dot)."""
    if len(key) > 200 or not _KEY.fullmatch(key):
        raise InvalidInput(f"not a storage key: {key!r}", field="key")
    return key


class Storage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


class LocalStorage:
    """Files in one directory (included in a backup by copying that directory)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes) -> None:
        """Write atomically: a reader sees the whole file or none."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        path = self._path(key)
        if not path.is_file():
            raise NotFound(f"file {key} not found")
        return path.read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class MemoryStorage:
    """Files in a dict: for tests."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def put(self, key: str, data: bytes) -> None:
        self.files[check_key(key)] = data

    def get(self, key: str) -> bytes:
        if check_key(key) not in self.files:
            raise NotFound(f"file {key} not found")
        return self.files[key]

    def delete(self, key: str) -> None:
        self.files.pop(check_key(key), None)


def local_storage(directory: Path) -> LocalStorage:
    """The storage of ``TRADEBASE_STORAGE_DIR`` (relative paths from the working directory)."""
    return LocalStorage(directory if directory.is_absolute() else Path.cwd() / directory)


__all__ = ["LocalStorage", "MemoryStorage", "Storage", "check_key", "local_storage"]
