"""Unique constraints on the plain canonical address column, apart from 0003's data changes: PostgreSQL refuses to
alter a table in the transaction that left deferred foreign-key checks pending on it (the merged deliveries)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0003_canonical_addresses"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="subscription",
            constraint=models.UniqueConstraint(
                fields=("email", "query"), name="subscription_unique_per_address_and_query"
            ),
        ),
        migrations.AddConstraint(
            model_name="suppressedaddress",
            constraint=models.UniqueConstraint(fields=("email",), name="suppressed_address_unique"),
        ),
    ]
