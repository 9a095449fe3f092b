"""The data migrations that put stored addresses in canonical form (subscriptions 0003/0004, accounts 0002): rows
that become the same mailbox are merged without losing what was sent, look-alikes stay apart, nothing crashes.

Run on SQLite and PostgreSQL: the migrations go back and forth on the test database (``transaction=True``).
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("subscriptions", "0002_delivery_message_id"), ("accounts", "0001_initial")]
AFTER = [("subscriptions", "0004_unique_canonical_addresses"), ("accounts", "0002_canonical_user_addresses")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def old_apps(seeded_database):
    try:
        yield migrate(BEFORE)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # back to the latest, whatever came after


def test_stored_addresses_become_canonical_and_same_mailboxes_merge(old_apps):
    Subscription = old_apps.get_model("subscriptions", "Subscription")
    Delivery = old_apps.get_model("subscriptions", "Delivery")
    SuppressedAddress = old_apps.get_model("subscriptions", "SuppressedAddress")
    User = old_apps.get_model("auth", "User")
    Initiative = old_apps.get_model("initiatives", "Initiative")
    first, second = Initiative.objects.order_by("pk").values_list("pk", flat=True)[:2]
    now = timezone.now()

    def subscription(email, status="active", query="region=europe"):
        confirmed = None if status == "pending" else now
        return Subscription.objects.create(
            email=email, query=query, label="Europe", status=status, confirmed_at=confirmed, since=confirmed
        )

    # ſ in a domain is where the portal's mail went anyway (IDNA maps it to s): the same mailbox.
    older_unsubscribed = subscription("Sam@gmaſl.com", status="unsubscribed")
    active = subscription("sam@gmasl.com")
    lookalike = subscription("sam@gmaıl.com")  # ı survives IDNA: another domain
    other_listing = subscription("SAM@GMASL.COM", query="theme=remittances")
    Delivery.objects.create(subscription=older_unsubscribed, initiative_id=first, sent_at=now)
    Delivery.objects.create(subscription=older_unsubscribed, initiative_id=second, sent_at=now)
    Delivery.objects.create(subscription=active, initiative_id=second, sent_at=now)
    SuppressedAddress.objects.create(email="X@gmaſl.com", reason="older")
    SuppressedAddress.objects.create(email="x@gmasl.com", reason="newer")
    SuppressedAddress.objects.create(email="x@gmaıl.com", reason="look-alike")
    signed_up = User.objects.create(username="ana.diaz@example.org", email="Ana.Diaz@Example.org")
    administrator = User.objects.create(username="Admin", email="Admin@Example.org")
    broken = User.objects.create(username="broken", email="not an address")

    new_apps = migrate(AFTER)

    Subscription = new_apps.get_model("subscriptions", "Subscription")
    rows = {(row.email, row.query): row for row in Subscription.objects.all()}
    assert set(rows) == {
        ("sam@gmasl.com", "region=europe"),
        ("sam@gmaıl.com", "region=europe"),
        ("sam@gmasl.com", "theme=remittances"),
    }
    kept = rows[("sam@gmasl.com", "region=europe")]
    assert kept.pk == active.pk and kept.status == "active"
    assert sorted(kept.deliveries.values_list("initiative_id", flat=True)) == [first, second]  # nothing sent twice
    assert rows[("sam@gmaıl.com", "region=europe")].pk == lookalike.pk
    assert rows[("sam@gmasl.com", "theme=remittances")].pk == other_listing.pk

    SuppressedAddress = new_apps.get_model("subscriptions", "SuppressedAddress")
    assert sorted(SuppressedAddress.objects.values_list("email", "reason")) == [
        ("x@gmasl.com", "older"),
        ("x@gmaıl.com", "look-alike"),
    ]

    User = new_apps.get_model("auth", "User")
    assert User.objects.filter(pk=signed_up.pk).values_list("username", "email").get() == (
        "ana.diaz@example.org",
        "ana.diaz@example.org",
    )
    assert User.objects.filter(pk=administrator.pk).values_list("username", "email").get() == (
        "Admin",
        "admin@example.org",
    )
    assert User.objects.get(pk=broken.pk).email == "not an address"  # left as it was, matches nothing
