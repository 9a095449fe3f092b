"""Accounts' addresses in canonical form (portal/addresses.py), and sign-up's usernames with them.

Only a data migration, no schema change; the lead may renumber it when merging other accounts migrations.

Sign-up made the username the address NFKC-normalised and lower-cased; such a username (or the address simply
lower-cased) becomes the canonical address. If another account already has that username, the older account
keeps it and this one keeps its username as it was: nothing is merged or deleted, an administrator decides (the
address of an account is its owner's to prove, not the migration's to guess). Administrators' own usernames
("admin") are left alone. An address that has no canonical form is left as it is.
"""

import unicodedata

from django.conf import settings
from django.db import migrations

from portal.addresses import canonical_or_none

BATCH_SIZE = 1000


def canonical_user_addresses(apps, schema_editor):
    app_label, model_name = settings.AUTH_USER_MODEL.split(".")
    User = apps.get_model(app_label, model_name)
    taken = set(User.objects.values_list("username", flat=True))
    changed = []
    for user in User.objects.exclude(email="").order_by("pk").iterator(chunk_size=BATCH_SIZE):
        canonical = canonical_or_none(user.email)
        if canonical is None:
            continue
        before = (user.username, user.email)
        signed_up = user.username in {unicodedata.normalize("NFKC", user.email.strip()).lower(), user.email.lower()}
        if signed_up and user.username != canonical and canonical not in taken:
            taken.add(canonical)  # the old username is not handed to anyone in this run: one UPDATE does them all
            user.username = canonical
        user.email = canonical
        if (user.username, user.email) != before:
            changed.append(user)
    User.objects.bulk_update(changed, ["username", "email"], batch_size=BATCH_SIZE)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(canonical_user_addresses, migrations.RunPython.noop)]
