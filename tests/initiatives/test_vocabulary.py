""" "Did you mean" suggests only words of the published collection: the vocabulary follows every publication,
withdrawal, archiving, deletion and edit, in the same transaction, on PostgreSQL and SQLite alike."""

import html
import re

import pytest

from initiatives import search, services
from initiatives.models import Initiative, SearchWord
from submissions import services as submission_services
from submissions.forms import initial_from_initiative
from submissions.models import Submission
from tests.factories import make_initiative

from .test_admin import _action, curator  # noqa: F401 (curator is a fixture)

pytestmark = pytest.mark.django_db

NAME, NEAR = "kowalczykowa", "kowalczykova"  # a person's name, and a near spelling a visitor might type


@pytest.fixture
def vocabulary(db):
    search.rebuild_vocabulary()


def suggestion(client, query: str = NEAR):
    """The word the page suggests, read from the page as sent (a page still valid may come from the cache: a
    draft's edit leaves the collection's pages warm)."""
    response = client.get("/en/initiatives/", {"q": query})
    assert response.status_code == 200
    found = re.search(r'<p class="suggestion">.*?<a [^>]*>([^<]*)</a>', response.content.decode(), re.S)
    return found and html.unescape(found[1])


def assert_vocabulary_is_the_published_collection():
    """What the services kept equals what a rebuild from the published initiatives gives, count for count."""
    kept = dict(SearchWord.objects.values_list("word", "ndoc"))
    search.rebuild_vocabulary()
    assert dict(SearchWord.objects.values_list("word", "ndoc")) == kept


def _edit_away(initiative):
    content = services.InitiativeContent(fields={"title": "Renamed practice", "summary": "Nothing personal."})
    services.save_initiative(content=content, initiative=initiative)


WITHDRAWALS = {
    "unpublish": lambda initiative: services.unpublish_initiative(initiative=initiative),
    "archive": lambda initiative: services.archive_initiative(initiative=initiative),
    "delete": lambda initiative: services.delete_initiative(initiative=initiative),
    "edit": _edit_away,
}


@pytest.mark.parametrize("withdraw", WITHDRAWALS.values(), ids=WITHDRAWALS.keys())
def test_a_withdrawn_word_is_no_longer_suggested_while_another_initiative_holds_it(client, vocabulary, withdraw):
    first = make_initiative(slug="first", title=f"Helpdesk of Ms {NAME.title()}", summary="Advice.")
    second = make_initiative(slug="second", title="Another helpdesk", summary=f"Run with {NAME.title()}.")
    assert suggestion(client) == NAME
    withdraw(first)
    services.collection_changed()
    assert suggestion(client) == NAME  # the neighbour still holds the word
    assert SearchWord.objects.get(word=NAME).ndoc == 1
    withdraw(second)
    services.collection_changed()
    assert suggestion(client) is None
    assert not SearchWord.objects.filter(word=NAME).exists()
    if withdraw is _edit_away:  # the words the edit brought in count instead
        assert SearchWord.objects.get(word="renamed").ndoc == 2
    assert_vocabulary_is_the_published_collection()


def test_did_you_mean_never_suggests_a_word_found_only_in_drafts_or_unpublished_initiatives(client, vocabulary):
    make_initiative(slug="draft", title=f"Draft by {NAME.title()}", summary="Unpublished.", publish=False)
    archived = make_initiative(slug="archived", title="Zygomorphic gardens", summary="Flowers.")
    services.archive_initiative(initiative=archived)
    assert suggestion(client) is None and suggestion(client, "zygomorfic") is None
    draft = Initiative.objects.get(slug="draft")
    services.save_initiative(
        content=services.InitiativeContent(fields={"summary": "Edited, still a draft."}), initiative=draft
    )
    assert suggestion(client) is None
    services.publish_initiative(initiative=draft)
    services.collection_changed()
    assert suggestion(client) == NAME
    assert_vocabulary_is_the_published_collection()


def test_republishing_editing_and_reverting_keep_exact_counts(client, vocabulary):
    initiative = make_initiative(slug="counted", title=f"Office of {NAME.title()}", summary="Advice.")
    services.publish_initiative(initiative=initiative)  # already published: counted once, not twice
    assert SearchWord.objects.get(word=NAME).ndoc == 1
    first = initiative.history.latest()
    _edit_away(initiative)
    assert not SearchWord.objects.filter(word=NAME).exists()
    services.revert_initiative(record=first)
    assert SearchWord.objects.get(word=NAME).ndoc == 1
    assert_vocabulary_is_the_published_collection()


def test_an_approved_update_changes_the_vocabulary_of_a_live_initiative(client, vocabulary, django_user_model):
    initiative = make_initiative(slug="live", title=f"Clinic of {NAME.title()}", summary="Care.")
    moderator = django_user_model.objects.create_user("mod", "mod@example.org")
    moderator.groups.add(submission_services.ensure_moderators_group())
    author = django_user_model.objects.create_user("author", "author@example.org")
    update = Submission.objects.create(
        author=author,
        kind=Submission.Kind.UPDATE,
        initiative=initiative,
        state=Submission.State.SUBMITTED,
        data={**initial_from_initiative(initiative), "title": "Clinic of the city"},
    )
    submission_services.approve(submission=update, moderator=moderator)
    services.collection_changed()
    assert suggestion(client) is None
    assert_vocabulary_is_the_published_collection()


def test_admin_edits_and_bulk_actions_keep_the_vocabulary(client, curator, vocabulary):  # noqa: F811
    initiatives = [
        make_initiative(slug=f"bulk-{n}", title=f"Practice {n} of {NAME.title()}", summary="Bulk.") for n in range(3)
    ]
    _action(curator, "unpublish", initiatives[:2])
    services.collection_changed()
    assert SearchWord.objects.get(word=NAME).ndoc == 1
    _action(curator, "archive", initiatives[2:])
    services.collection_changed()
    assert suggestion(client) is None
    _action(curator, "publish", initiatives)
    assert SearchWord.objects.get(word=NAME).ndoc == 3
    assert_vocabulary_is_the_published_collection()


def test_reloading_the_seed_keeps_exact_counts(vocabulary):
    from initiatives import seed

    seed.load_seed()
    seed.load_seed()
    assert_vocabulary_is_the_published_collection()
