"""``manage.py make_moderator EMAIL``: the way to give (or take back) the moderator role."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from submissions import services

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("make_moderator", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_makes_a_moderator_creating_the_group_if_missing(author):
    Group.objects.filter(name=services.MODERATORS_GROUP).delete()
    assert not services.is_moderator(author)

    out, err = run("AUTHOR@example.org")  # any letter case

    assert "Created the Moderators group." in out and "Made author@example.org a moderator." in out
    assert err == ""
    author.refresh_from_db()
    assert services.is_moderator(author)
    assert list(services.moderators()) == [author]
    assert run("author@example.org")[0] == "author@example.org is already a moderator: nothing to do.\n"


def test_dry_run_changes_nothing(author):
    Group.objects.filter(name=services.MODERATORS_GROUP).delete()
    out, _err = run("author@example.org", "--dry-run")
    assert "would create the Moderators group" in out and "would make author@example.org a moderator" in out
    assert not Group.objects.filter(name=services.MODERATORS_GROUP).exists()
    assert not services.is_moderator(author)


def test_remove(moderator):
    out, _err = run("moderator@example.org", "--remove", "--dry-run")
    assert "would remove moderator@example.org from the Moderators group" in out
    assert services.is_moderator(moderator)
    out, _err = run("moderator@example.org", "--remove")
    assert "Removed moderator@example.org from the Moderators group." in out
    assert not services.is_moderator(moderator)
    assert "nothing to do" in run("moderator@example.org", "--remove")[0]


def test_an_inactive_account_is_made_a_moderator_with_a_warning(author):
    author.is_active = False
    author.save()
    _out, err = run("author@example.org")
    assert "is inactive" in err
    assert author.groups.filter(name=services.MODERATORS_GROUP).exists()


def test_unknown_or_ambiguous_addresses_are_refused(author, django_user_model):
    with pytest.raises(CommandError, match="No account has the e-mail address nobody@example.org"):
        run("nobody@example.org")
    django_user_model.objects.create_user(username="twin", email="author@example.org")  # as the admin stores it
    with pytest.raises(CommandError, match="Several accounts"):
        run("author@example.org")
    assert not services.is_moderator(author)
