import pytest

from submissions import services
from submissions.forms import ProposalForm


@pytest.fixture
def make_user(django_user_model):
    def make(email, *, moderator=False, superuser=False, name="Ana Díaz"):
        first, _space, last = name.partition(" ")
        user = django_user_model.objects.create_user(
            username=email, email=email, password="a-long-password-123", first_name=first, last_name=last
        )
        if superuser:
            user.is_superuser = user.is_staff = True
            user.save()
        if moderator:
            user.groups.add(services.ensure_moderators_group())
        return user

    return make


@pytest.fixture
def author(make_user):
    return make_user("author@example.org", name="Ana Díaz")


@pytest.fixture
def other(make_user):
    return make_user("other@example.org", name="Otto Other")


@pytest.fixture
def moderator(make_user):
    return make_user("moderator@example.org", moderator=True, name="Mona Moderator")


@pytest.fixture
def superuser(make_user):
    return make_user("root@example.org", superuser=True, name="Sue Superuser")


PROPOSAL = {
    "title": "Seasonal Workers Mobility Pilot",
    "acronym": "SWMP",
    "summary": "A pilot that matches seasonal workers with employers and protects their rights.",
    "description": "## Results\n\n* 300 workers placed",
    "category": "programmes-and-projects",
    "themes": ["regular-pathways", "recruitment-and-decent-work"],
    "principles": ["human-rights"],
    "scope": "national",
    "regions": [],
    "countries": ["md"],
    "implementers": ["ilo"],
    "funders": [],
    "partners": [],
    "other_organisations": "Moldovan Employment Agency",
    "start": "2021-03",
    "end": "",
    "ongoing": "on",
    "website": "https://example.org/swmp",
    "links": "https://example.org/swmp/report.pdf Final report",
    "tags": "seasonal work, labour mobility",
    "submitter_honorific": "Ms.",
    "submitter_name": "Ana Díaz",
    "submitter_organisation": "Ministry of Labour",
    "submitter_email": "author@example.org",
}


@pytest.fixture
def proposal_data():
    form = ProposalForm(PROPOSAL)
    assert form.is_valid(), form.errors
    return form.to_data()


@pytest.fixture
def draft(author, proposal_data):
    return services.create_submission(author=author, data=proposal_data, consent=True)


@pytest.fixture
def submitted(draft, author):
    return services.submit(submission=draft, author=author)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing passwords the slow, safe way is not what these tests are about."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
