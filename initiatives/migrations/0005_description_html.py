from django.db import migrations, models

from initiatives import markup


def render_descriptions(apps, schema_editor):
    """Store the HTML of every existing description (pages no longer render Markdown per request)."""
    Initiative = apps.get_model("initiatives", "Initiative")
    batch = []
    for initiative in Initiative.objects.only("pk", "description").iterator(chunk_size=500):
        initiative.description_html = markup.render(initiative.description)
        batch.append(initiative)
        if len(batch) == 500:
            Initiative.objects.bulk_update(batch, ["description_html"])
            batch = []
    Initiative.objects.bulk_update(batch, ["description_html"])


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0004_curation"),
    ]

    operations = [
        migrations.AddField(
            model_name="initiative",
            name="description_html",
            field=models.TextField(blank=True, editable=False, verbose_name="description (HTML)"),
        ),
        migrations.RunPython(render_descriptions, migrations.RunPython.noop, elidable=True),
    ]
