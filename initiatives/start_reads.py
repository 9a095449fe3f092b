"""Reads a server process makes as it starts (``portal/startup.py``): never a reason not to start."""

import logging
import os

from django.db import connections, transaction

logger = logging.getLogger(__name__)


def read_at_start(what: str, *reads) -> bool:
    """Call each of ``reads`` in one transaction (a failed read leaves no aborted transaction behind on PostgreSQL).
    A database that cannot be read yet (down, not migrated) leaves them to the first requests, with a warning naming
    ``what``; the server starts all the same. The connection stays open for the process's first requests: its
    PostgreSQL backend has read the tables, indexes and text-search dictionaries they read (a new backend's first
    search pays 15-20 ms for them). A process forked after it (gunicorn's ``--preload`` loads the application, then
    forks its workers) does not share it: it opens its own (``_forget_inherited_connections``). Whether they were
    all made."""
    try:
        with transaction.atomic():
            for read in reads:
                read()
        return True
    except Exception as error:  # whatever it is, the server starts: the first requests read them (or fail visibly)
        logger.warning("%s not read at start (read at the first requests instead): %r", what, error)
        return False


_INHERITED = []  # the parent's connections, in a forked process: kept, never used, never closed


def _forget_inherited_connections() -> None:
    """In a process just forked (``os.fork``: a server's workers, after a parent that loaded the application and read
    at start): every database connection the parent opened is the parent's. The child makes its own at its first
    query, and keeps the parent's objects unclosed to the end (closing one would end the parent's session on the
    server: the socket is the same)."""
    for wrapper in connections.all(initialized_only=True):
        if wrapper.connection is not None:
            _INHERITED.append(wrapper.connection)
            wrapper.connection = None


os.register_at_fork(after_in_child=_forget_inherited_connections)
