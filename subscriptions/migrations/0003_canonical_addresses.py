"""Subscription and SuppressedAddress addresses in canonical form (portal/addresses.py), unique on the plain column.

Rows whose addresses become equal were the same mailbox all along (one spelled ``ſ`` where the other has ``s`` in
the domain, say). Subscriptions to the same listing are merged into one: the one in the most engaged state
(active, then paused, unsubscribed, pending), the oldest of those; it takes the deliveries it lacks from the
others (so nothing is sent twice) and their account if it has none, and the others are deleted. Of suppressed
addresses the oldest is kept. An address that has no canonical form (none should: the field validated it) is
left as it is; it can then match nothing.
"""

from collections import defaultdict


import portal.addresses
from portal.addresses import canonical_or_none
from django.conf import settings
from django.db import migrations, models


ENGAGEMENT = {"active": 0, "paused": 1, "unsubscribed": 2, "pending": 3}
BATCH_SIZE = 1000


def _canonicalise(model) -> dict[str, list]:
    """Store every row's canonical address; returns the rows by their new address."""
    rows_by_address = defaultdict(list)
    changed = []
    for row in model.objects.order_by("pk").iterator(chunk_size=BATCH_SIZE):
        canonical = canonical_or_none(row.email)
        if canonical is not None and canonical != row.email:
            row.email = canonical
            changed.append(row)
        rows_by_address[row.email].append(row)
    model.objects.bulk_update(changed, ["email"], batch_size=BATCH_SIZE)
    return rows_by_address


def canonical_addresses(apps, schema_editor):
    Subscription = apps.get_model("subscriptions", "Subscription")
    Delivery = apps.get_model("subscriptions", "Delivery")
    SuppressedAddress = apps.get_model("subscriptions", "SuppressedAddress")

    for rows in _canonicalise(SuppressedAddress).values():
        if len(rows) > 1:
            SuppressedAddress.objects.filter(pk__in=[row.pk for row in rows[1:]]).delete()

    by_listing = defaultdict(list)
    for rows in _canonicalise(Subscription).values():
        if len(rows) > 1:
            for row in rows:
                by_listing[(row.email, row.query)].append(row)
    for rows in by_listing.values():
        if len(rows) < 2:
            continue
        kept, *others = sorted(rows, key=lambda row: (ENGAGEMENT.get(row.status, 9), row.created_at, row.pk))
        kept_user = kept.user_id or next((row.user_id for row in others if row.user_id), None)
        if kept_user != kept.user_id:
            Subscription.objects.filter(pk=kept.pk).update(user_id=kept_user)
        others_pks = [row.pk for row in others]
        has = set(Delivery.objects.filter(subscription_id=kept.pk).values_list("initiative_id", flat=True))
        for delivery in Delivery.objects.filter(subscription_id__in=others_pks).order_by("-sent_at", "pk"):
            if delivery.initiative_id not in has:
                has.add(delivery.initiative_id)
                Delivery.objects.filter(pk=delivery.pk).update(subscription_id=kept.pk)
        Subscription.objects.filter(pk__in=others_pks).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0002_delivery_message_id"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="subscription",
            name="subscription_unique_per_address_and_query",
        ),
        migrations.RemoveConstraint(
            model_name="suppressedaddress",
            name="suppressed_address_unique",
        ),
        migrations.AlterField(
            model_name="subscription",
            name="email",
            field=portal.addresses.CanonicalEmailField(max_length=254, verbose_name="e-mail address"),
        ),
        migrations.AlterField(
            model_name="suppressedaddress",
            name="email",
            field=portal.addresses.CanonicalEmailField(max_length=254, verbose_name="e-mail address"),
        ),
        migrations.RunPython(canonical_addresses, migrations.RunPython.noop),
    ]
