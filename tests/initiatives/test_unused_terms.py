"""Tags and organisations that only unpublished initiatives have are not public: no page, feed or API detail."""

import pytest

from initiatives import services
from initiatives.models import Initiative
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db


def addresses(plural: str, slug: str) -> list[str]:
    return [
        f"/en/{plural}/{slug}/",
        f"/en/{plural}/{slug}/feed/",
        f"/en/{plural}/{slug}/feed/atom/",
        f"/api/{plural}/{slug}/",
    ]


def statuses(client, plural: str, slug: str) -> set[int]:
    return {client.get(url).status_code for url in addresses(plural, slug)}


@pytest.mark.parametrize("status", [Initiative.Status.DRAFT, Initiative.Status.ARCHIVED])
def test_the_tag_and_organisation_of_an_unpublished_initiative_answer_404_everywhere(client, status):
    initiative = make_initiative(
        title="Not public", tags=["secret-tag"], organisations=["Secret Partner"], publish=False
    )
    if status == Initiative.Status.ARCHIVED:
        services.publish_initiative(initiative=initiative)
        assert statuses(client, "tags", "secret-tag") == {200}  # public while it is published
        services.archive_initiative(initiative=initiative)
    assert statuses(client, "tags", "secret-tag") == {404}
    assert statuses(client, "organisations", "secret-partner") == {404}


def test_a_term_a_published_initiative_shares_with_a_draft_stays_public(client):
    make_initiative(title="Draft", tags=["shared-tag"], organisations=["Shared Partner"], publish=False)
    make_initiative(title="Published", tags=["shared-tag"], organisations=["Shared Partner"])
    assert statuses(client, "tags", "shared-tag") == {200}
    assert statuses(client, "organisations", "shared-partner") == {200}


def test_official_terms_stay_public_with_nothing_filed_under_them(client):
    # The GCM themes, M49 regions and countries and the categories are official lists, shown whole.
    assert not Initiative.objects.published().filter(themes__slug="data").exists()
    assert statuses(client, "themes", "data") == {200}
    assert statuses(client, "regions", "oceania") == {200}
    assert statuses(client, "countries", "fj") == {200}
