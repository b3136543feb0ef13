"""One writer at a time per target: a lock held for the whole of a command that writes.

Two runs (or a run and an undo) on one target must not interleave: the loader reads the
links and the rows it compares before it writes, so a second writer in between would
make its before-images and its decisions wrong. Every command that writes takes the lock
*before* it extracts anything, and holds it until it has committed:

- PostgreSQL: a session advisory lock (``pg_try_advisory_lock``), per database;
- MariaDB/MySQL: a named lock (``GET_LOCK``), named after the database (the name is server-wide);
- SQLite: an exclusive ``flock`` on ``<database>.lock`` next to the file.

Each is released by the server or the kernel when the process dies, even by ``kill -9``:
a crashed run never leaves a stale lock. The second command waits (``on_wait`` is told
once), polling, up to ``wait_seconds``, then fails with one line. Within one process the
lock is re-entrant: the CLI holds it around the whole command, the load asset takes it
again (for runs from the Dagster UI or a sensor) and just goes on.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from connectors.crm_db.engine import TargetError, scrub_error
from connectors.urls import mask_url
from vocabulary.messages import text as message

DEFAULT_WAIT = 60  # seconds a second command waits for the first one
POLL = 0.2  # seconds between two attempts
_NAME = "crm-migrate"
_held: dict[str, int] = {}  # locks this process holds: identity → nesting depth


class _Lock:
    def acquire(self) -> bool:
        raise NotImplementedError

    def release(self) -> None:
        raise NotImplementedError


class _FileLock(_Lock):
    """``flock`` on a file next to the SQLite database (the database file itself is SQLite's to lock)."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    def acquire(self) -> bool:
        import fcntl

        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def release(self) -> None:
        os.close(self.fd)  # closing the descriptor lets go of the lock


class _ServerLock(_Lock):
    """A lock the database server holds for one session of ours (released when the session ends)."""

    def __init__(self, url: URL, take: str, give: str, params: dict) -> None:
        self.engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self.conn: Connection = self.engine.connect()
        self.take, self.give, self.params = text(take), text(give), params

    def acquire(self) -> bool:
        return bool(self.conn.execute(self.take, self.params).scalar())

    def release(self) -> None:
        try:
            self.conn.execute(self.give, self.params)
        finally:
            self.conn.close()
            self.engine.dispose()


def _identity(url: URL) -> str | None:
    """What the lock is about: a database file or a server database; None for a database nobody else sees."""
    if url.drivername.startswith("sqlite"):
        if url.database in (None, "", ":memory:"):
            return None
        return "sqlite:" + str(Path(url.database).resolve())
    return f"{url.get_backend_name()}://{url.host}:{url.port}/{url.database}"


def _lock_for(url: URL) -> _Lock | None:
    backend = url.get_backend_name()
    if backend == "sqlite":
        folder = Path(url.database).parent
        return _FileLock(Path(f"{url.database}.lock")) if folder.is_dir() else None  # the load will say why
    if backend == "postgresql":
        key = int.from_bytes(hashlib.sha256(_NAME.encode()).digest()[:8], "big", signed=True)
        return _ServerLock(url, "SELECT pg_try_advisory_lock(:k)", "SELECT pg_advisory_unlock(:k)", {"k": key})
    if backend in ("mysql", "mariadb"):
        name = f"{_NAME}:{url.database}"[:64]
        return _ServerLock(url, "SELECT GET_LOCK(:n, 0)", "SELECT RELEASE_LOCK(:n)", {"n": name})
    return None  # another server: no lock we know of, the transaction is all there is


@contextmanager
def target_lock(
    url: str, wait_seconds: float = DEFAULT_WAIT, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the target's writer lock for the ``with`` block; wait up to ``wait_seconds`` for another holder.

    Raises ``TargetError`` (one line) when the lock is still held after the wait.
    """
    parsed = make_url(url)
    identity = _identity(parsed)
    if identity is None or identity in _held:
        if identity is not None:
            _held[identity] += 1
        try:
            yield
        finally:
            if identity is not None:
                _held[identity] -= 1
        return
    try:
        lock = _lock_for(parsed)
    except SQLAlchemyError as exc:  # the server cannot be reached: one scrubbed line
        raise TargetError(message("target.unreachable", target=mask_url(url), detail=scrub_error(exc, url))) from None
    if lock is None:
        yield
        return
    try:
        _wait_for(lock, mask_url(url), wait_seconds, on_wait)
    except BaseException:
        lock.release()
        raise
    _held[identity] = 1
    try:
        yield
    finally:
        del _held[identity]
        lock.release()


def _wait_for(lock: _Lock, where: str, wait_seconds: float, on_wait: Callable[[str], None] | None) -> None:
    if lock.acquire():
        return
    if on_wait is not None:
        on_wait(message("live_crm.lock_waiting", target=where, seconds=f"{wait_seconds:g}"))
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        time.sleep(min(POLL, max(deadline - time.monotonic(), 0)))
        if lock.acquire():
            return
    raise TargetError(message("live_crm.lock_timeout", target=where, seconds=f"{wait_seconds:g}"))
