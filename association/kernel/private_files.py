"""Files that hold people's data are readable by the portal's own operating-system user only.

Uploaded documents get their modes from ``FILE_UPLOAD_PERMISSIONS`` / ``FILE_UPLOAD_DIRECTORY_PERMISSIONS``
(settings); the embedded SQLite database is made so when the first connection opens it (SQLite gives
its ``-wal``, ``-shm`` and ``-journal`` files the main file's mode); files the portal writes itself go
through ``write_private_file``.
"""

import os
from pathlib import Path

OWNER_ONLY_FILE = 0o600
OWNER_ONLY_DIRECTORY = 0o700


def sqlite_file(connection) -> Path | None:
    """The database file of a SQLite connection, or None (another engine, or an in-memory database)."""
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return Path(name)


def make_sqlite_owner_only(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: the embedded database file and its companions, mode 0600."""
    path = sqlite_file(connection)
    if path is None:
        return
    for candidate in (path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))):
        try:
            if candidate.stat().st_mode & 0o777 != OWNER_ONLY_FILE:
                candidate.chmod(OWNER_ONLY_FILE)
        except FileNotFoundError:
            continue


def write_private_file(path: Path, content: bytes) -> None:
    """Write ``content`` to a new file that is owner-only from the moment it exists (no chmod race)."""
    path.parent.mkdir(mode=OWNER_ONLY_DIRECTORY, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_ONLY_FILE)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    os.chmod(path, OWNER_ONLY_FILE)  # an existing file keeps its old mode through O_CREAT
