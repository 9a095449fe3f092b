"""The collection so far is English: its text (and its history's) becomes the English translation.

Every initiative's original language is "en" (the field's default), so the plain columns, which hold the
original text, stay as they are.
"""

from django.db import migrations
from django.db.models import F

COPIED = {
    "initiative": ("title", "acronym", "summary", "description", "description_html"),
    "historicalinitiative": ("title", "acronym", "summary", "description"),
    "theme": ("name", "title", "description"),
    "historicaltheme": ("name", "title", "description"),
    **{
        model: ("name", "description")
        for term in ("region", "country", "guidingprinciple", "category", "organisation")
        for model in (term, f"historical{term}")
    },
}


def copy_to_english(apps, schema_editor):
    for model_name, fields in COPIED.items():
        model = apps.get_model("initiatives", model_name)
        model._base_manager.update(**{f"{field}_en": F(field) for field in fields})


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0006_translations")]

    operations = [migrations.RunPython(copy_to_english, migrations.RunPython.noop)]
