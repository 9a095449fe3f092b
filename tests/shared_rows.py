"""Rows written once for a group of tests that only read them (issue 15, CI under 12 minutes).

Publishing an initiative goes through the one write path and costs tens of milliseconds; a test that needs thirty of
them to fill two pages, repeated for each of its parameters, spent most of its time writing the same rows again.
A class-scoped fixture built with ``shared_rows`` writes them once for the tests of one class, inside a transaction
that is rolled back after the class's last test, exactly as each test's own transaction is: each test still runs in
its own transaction (a savepoint inside this one) and leaves nothing behind, and the tests of other classes and
modules never see these rows (pytest tears a class fixture down before running a test outside the class).

Only for tests that do not change these rows: a test that changes them would change them for the next test.
"""

import sys
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import transaction
from django.utils import translation


def shared_rows[T](django_db_blocker, fill: Callable[[], T]) -> Iterator[T]:
    """For a class-scoped fixture (``yield from shared_rows(django_db_blocker, fill)``): ``fill()`` writes the rows
    in the default language, in a transaction kept open for the class's tests and rolled back after them. Database
    access stays blocked between the tests as usual: only ``fill`` and the rollback are let through."""
    outer = transaction.atomic()
    # A test's transaction, as Django's TestCase marks its own: the facet bitmaps count inside it
    # (facet_bitmaps._in_own_transaction), as they do in each test's.
    outer._from_testcase = True
    with django_db_blocker.unblock():
        outer.__enter__()
        try:
            with translation.override(settings.LANGUAGE_CODE):
                value = fill()
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    try:
        yield value
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
