"""Rows shared by a class's tests (tests/shared_rows.py) are there for each of them, a test's own writes are not
seen by the next, and the rows are gone for the tests after the class (when the same process runs them, as it does
without xdist)."""

import pytest

from initiatives.models import Initiative
from tests.factories import make_initiative
from tests.shared_rows import shared_rows

pytestmark = pytest.mark.django_db

SHARED = "Shared by the class"
OWN = "Written by one test"


def _one_shared():
    return make_initiative(title=SHARED).pk


class TestSharedRows:
    @pytest.fixture(scope="class")
    def shared(self, django_db_setup, django_db_blocker):
        yield from shared_rows(django_db_blocker, _one_shared)

    def test_a_test_sees_the_shared_rows_and_writes_its_own(self, shared):
        assert Initiative.objects.published().get(pk=shared).title == SHARED
        make_initiative(title=OWN)

    def test_the_next_sees_the_shared_rows_but_not_the_previous_tests(self, shared):
        assert Initiative.objects.published().filter(pk=shared).exists()
        assert not Initiative.objects.filter(title=OWN).exists()

    def test_the_rows_are_written_in_the_default_language(self, shared):
        assert Initiative.objects.get(pk=shared).title_en == SHARED


def test_after_the_class_the_shared_rows_are_gone():
    assert not Initiative.objects.filter(title=SHARED).exists()
