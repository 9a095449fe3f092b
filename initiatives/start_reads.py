"""Reads a server process makes as it starts (``portal/startup.py``): never a reason not to start."""

import logging

from django.db import connection, transaction

logger = logging.getLogger(__name__)


def read_at_start(what: str, *reads) -> bool:
    """Call each of ``reads`` in one transaction (a failed read leaves no aborted transaction behind on PostgreSQL).
    A database that cannot be read yet (down, not migrated) leaves them to the first requests, with a warning naming
    ``what``; the server starts all the same. The connection is closed afterwards (unless a transaction holds it): a
    server that loads the application before it forks its workers (gunicorn's ``--preload``) must not hand them one
    connection to share. Whether they were all made."""
    try:
        with transaction.atomic():
            for read in reads:
                read()
        return True
    except Exception as error:  # whatever it is, the server starts: the first requests read them (or fail visibly)
        logger.warning("%s not read at start (read at the first requests instead): %r", what, error)
        return False
    finally:
        if not connection.in_atomic_block:
            connection.close()
