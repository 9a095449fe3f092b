"""The language of a subscription's e-mails. The existing subscriptions get the default, the site's language
(``LANGUAGE_CODE``, "en"), the language their e-mails have been written in so far.

Choices and default name functions that read the settings when called, so that this migration holds whatever
``LANGUAGES`` becomes.
"""

from django.db import migrations, models

import subscriptions.models


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0004_unique_canonical_addresses"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="language",
            field=models.CharField(
                choices=subscriptions.models.language_choices,
                default=subscriptions.models.default_language,
                max_length=8,
                verbose_name="language of the e-mails",
            ),
        ),
    ]
