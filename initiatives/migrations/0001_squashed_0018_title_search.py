"""Migrations 0001 to 0018 in one, for a new database: a test database, ``make run`` on a new machine, the server
that a system test starts. Their 16 steps added fields one at a time (the translations of 0006 and the sections
of 0011 hundreds of them), and Django works out the models again after each: about 14 of the 17 seconds a new
database's ``migrate`` took. Here each table is made once, with its fields, indexes and constraints.

A database that has any of 0001 to 0018 applied goes on with them (Django's squashed migrations), so they stay
until every deployment is past 0018. The steps that only change rows (0005, 0007, 0017: there are none in a new
database) are left out. The full-text search objects are made by the originals' own statements, in their order,
on the finished tables: 0002's text search set-up without the single ``search_vector`` that 0010 drops again,
then 0010, 0011 and 0018 on PostgreSQL, and 0016 on SQLite. ``tests/initiatives/test_squashed_migrations.py``
checks that both ways end in the same schema.
"""

import importlib

import django.contrib.postgres.search
import django.core.validators
import django.db.models.deletion
import initiatives.models
import simple_history.models
import taggit.managers
from django.conf import settings
from django.db import migrations, models


def _original(name):
    return importlib.import_module(f"initiatives.migrations.{name}")


_SEARCH = _original("0002_postgresql_search")
_PER_LANGUAGE = _original("0010_search_per_language")
# 0002 without the single vector (its function, trigger, index and refresh), which 0010 drops again.
_SEARCH_SET_UP = [
    statement for statement in _SEARCH.FORWARD if "search_vector" not in statement and "SET title" not in statement
]

FULL_TEXT_SEARCH = [
    migrations.RunPython(_SEARCH.run(_SEARCH_SET_UP), _SEARCH.run(_SEARCH.BACKWARD)),
    migrations.RunPython(
        _PER_LANGUAGE.on_postgresql(_PER_LANGUAGE.FORWARD), _PER_LANGUAGE.on_postgresql(_PER_LANGUAGE.BACKWARD)
    ),
    _original("0011_sections").Migration.operations[-1],
    *_original("0016_sqlite_search").Migration.operations,
    *_original("0018_title_search").Migration.operations,
]


class Migration(migrations.Migration):
    replaces = [
        ("initiatives", "0001_initial"),
        ("initiatives", "0002_postgresql_search"),
        ("initiatives", "0003_listing_order_index"),
        ("initiatives", "0004_curation"),
        ("initiatives", "0005_description_html"),
        ("initiatives", "0006_translations"),
        ("initiatives", "0007_copy_text_to_english"),
        ("initiatives", "0010_search_per_language"),
        ("initiatives", "0011_sections"),
        ("initiatives", "0012_sdg"),
        ("initiatives", "0013_organisation_profiles"),
        ("initiatives", "0014_files"),
        ("initiatives", "0015_embeddings"),
        ("initiatives", "0016_sqlite_search"),
        ("initiatives", "0017_facet_counts"),
        ("initiatives", "0018_title_search"),
    ]

    initial = True

    dependencies = [
        ("auth", "__first__"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Category",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=255, verbose_name="name")),
                ("name_en", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_fr", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_es", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_ar", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("slug", models.SlugField(max_length=255, unique=True, verbose_name="slug")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("description_en", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_fr", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_es", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_ar", models.TextField(blank=True, null=True, verbose_name="description")),
            ],
            options={
                "verbose_name": "category",
                "verbose_name_plural": "categories",
                "ordering": ["name"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="Country",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=2, unique=True, verbose_name="ISO 3166-1 alpha-2 code")),
                ("iso3", models.CharField(max_length=3, unique=True, verbose_name="ISO 3166-1 alpha-3 code")),
                ("m49_code", models.CharField(blank=True, max_length=3, verbose_name="M49 code")),
                ("name", models.CharField(max_length=255, verbose_name="name")),
                ("name_en", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_fr", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_es", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_ar", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("description_en", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_fr", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_es", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_ar", models.TextField(blank=True, null=True, verbose_name="description")),
            ],
            options={
                "verbose_name": "country",
                "verbose_name_plural": "countries",
                "ordering": ["name"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("code__regex", "^[a-z]{2}$")), name="country_code_lowercase_alpha2"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="GuidingPrinciple",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=255, verbose_name="name")),
                ("name_en", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_fr", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_es", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_ar", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("slug", models.SlugField(max_length=255, unique=True, verbose_name="slug")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("description_en", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_fr", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_es", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_ar", models.TextField(blank=True, null=True, verbose_name="description")),
                ("number", models.PositiveSmallIntegerField(unique=True, verbose_name="number")),
            ],
            options={
                "verbose_name": "guiding principle",
                "verbose_name_plural": "guiding principles",
                "ordering": ["number"],
            },
        ),
        migrations.CreateModel(
            name="Initiative",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "language",
                    models.CharField(
                        choices=initiatives.models.content_languages,
                        db_index=True,
                        default="en",
                        max_length=7,
                        verbose_name="original language",
                    ),
                ),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                ("title_en", models.CharField(max_length=300, null=True, verbose_name="title")),
                ("title_fr", models.CharField(max_length=300, null=True, verbose_name="title")),
                ("title_es", models.CharField(max_length=300, null=True, verbose_name="title")),
                ("title_ar", models.CharField(max_length=300, null=True, verbose_name="title")),
                ("acronym", models.CharField(blank=True, max_length=50, verbose_name="acronym")),
                ("acronym_en", models.CharField(blank=True, max_length=50, null=True, verbose_name="acronym")),
                ("acronym_fr", models.CharField(blank=True, max_length=50, null=True, verbose_name="acronym")),
                ("acronym_es", models.CharField(blank=True, max_length=50, null=True, verbose_name="acronym")),
                ("acronym_ar", models.CharField(blank=True, max_length=50, null=True, verbose_name="acronym")),
                ("slug", models.SlugField(max_length=255, unique=True, verbose_name="slug")),
                ("summary", models.TextField(help_text="Plain text, shown on listings.", verbose_name="summary")),
                (
                    "summary_en",
                    models.TextField(help_text="Plain text, shown on listings.", null=True, verbose_name="summary"),
                ),
                (
                    "summary_fr",
                    models.TextField(help_text="Plain text, shown on listings.", null=True, verbose_name="summary"),
                ),
                (
                    "summary_es",
                    models.TextField(help_text="Plain text, shown on listings.", null=True, verbose_name="summary"),
                ),
                (
                    "summary_ar",
                    models.TextField(help_text="Plain text, shown on listings.", null=True, verbose_name="summary"),
                ),
                (
                    "description",
                    models.TextField(
                        blank=True,
                        help_text="Markdown. Raw HTML is removed when the page is shown.",
                        verbose_name="description",
                    ),
                ),
                (
                    "description_en",
                    models.TextField(
                        blank=True,
                        help_text="Markdown. Raw HTML is removed when the page is shown.",
                        null=True,
                        verbose_name="description",
                    ),
                ),
                (
                    "description_fr",
                    models.TextField(
                        blank=True,
                        help_text="Markdown. Raw HTML is removed when the page is shown.",
                        null=True,
                        verbose_name="description",
                    ),
                ),
                (
                    "description_es",
                    models.TextField(
                        blank=True,
                        help_text="Markdown. Raw HTML is removed when the page is shown.",
                        null=True,
                        verbose_name="description",
                    ),
                ),
                (
                    "description_ar",
                    models.TextField(
                        blank=True,
                        help_text="Markdown. Raw HTML is removed when the page is shown.",
                        null=True,
                        verbose_name="description",
                    ),
                ),
                ("description_html", models.TextField(blank=True, editable=False, verbose_name="description (HTML)")),
                (
                    "description_html_en",
                    models.TextField(blank=True, editable=False, null=True, verbose_name="description (HTML)"),
                ),
                (
                    "description_html_fr",
                    models.TextField(blank=True, editable=False, null=True, verbose_name="description (HTML)"),
                ),
                (
                    "description_html_es",
                    models.TextField(blank=True, editable=False, null=True, verbose_name="description (HTML)"),
                ),
                (
                    "description_html_ar",
                    models.TextField(blank=True, editable=False, null=True, verbose_name="description (HTML)"),
                ),
                (
                    "scope",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("global", "Global"),
                            ("regional", "Regional"),
                            ("national", "National"),
                            ("local", "Local"),
                        ],
                        max_length=10,
                        verbose_name="geographic scope",
                    ),
                ),
                ("start_date", models.DateField(blank=True, null=True, verbose_name="start")),
                (
                    "start_precision",
                    models.CharField(
                        choices=[("year", "Year"), ("month", "Month"), ("day", "Day")],
                        default="year",
                        max_length=5,
                        verbose_name="start precision",
                    ),
                ),
                ("end_date", models.DateField(blank=True, null=True, verbose_name="end")),
                (
                    "end_precision",
                    models.CharField(
                        choices=[("year", "Year"), ("month", "Month"), ("day", "Day")],
                        default="year",
                        max_length=5,
                        verbose_name="end precision",
                    ),
                ),
                ("ongoing", models.BooleanField(default=False, verbose_name="ongoing")),
                ("website", models.URLField(blank=True, max_length=500, verbose_name="website")),
                (
                    "submitter_honorific",
                    models.CharField(
                        blank=True,
                        choices=[("Ms.", "Ms."), ("Mr.", "Mr."), ("Mx.", "Mx."), ("Dr.", "Dr.")],
                        max_length=4,
                        verbose_name="submitter's honorific",
                    ),
                ),
                ("submitter_name", models.CharField(blank=True, max_length=200, verbose_name="submitter's name")),
                (
                    "submitter_organisation",
                    models.CharField(blank=True, max_length=255, verbose_name="submitter's organisation"),
                ),
                (
                    "submitter_email",
                    models.EmailField(
                        blank=True,
                        help_text="Never shown publicly.",
                        max_length=254,
                        verbose_name="submitter's contact e-mail",
                    ),
                ),
                ("submitted_on", models.DateField(blank=True, null=True, verbose_name="submitted on")),
                ("contact_name", models.CharField(blank=True, max_length=200, verbose_name="contact person")),
                ("contact_role", models.CharField(blank=True, max_length=200, verbose_name="contact person's role")),
                (
                    "contact_organisation",
                    models.CharField(blank=True, max_length=255, verbose_name="contact person's organisation"),
                ),
                (
                    "contact_email",
                    models.EmailField(
                        blank=True,
                        help_text="Never shown publicly: visitors write through the “Contact the implementer” form.",
                        max_length=254,
                        verbose_name="contact person's e-mail",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("published", "Published"), ("archived", "Archived")],
                        default="draft",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("featured", models.BooleanField(default=False, verbose_name="featured")),
                (
                    "featured_order",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="Featured initiatives appear on the home page lowest number first.",
                        verbose_name="featured order",
                    ),
                ),
                (
                    "external_id",
                    models.CharField(
                        blank=True,
                        help_text="This initiative's identifier in a partner's system; imports match on it.",
                        max_length=100,
                        verbose_name="external id",
                    ),
                ),
                ("published_at", models.DateTimeField(blank=True, null=True, verbose_name="published")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                ("search_en", django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                ("search_fr", django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                ("search_es", django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                ("search_ar", django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                (
                    "context",
                    models.TextField(
                        blank=True,
                        help_text="The situation the initiative responds to: who was affected, by what, and why it mattered.",
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Context and problem addressed",
                    ),
                ),
                (
                    "context_en",
                    models.TextField(
                        blank=True,
                        help_text="The situation the initiative responds to: who was affected, by what, and why it mattered.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Context and problem addressed",
                    ),
                ),
                (
                    "context_fr",
                    models.TextField(
                        blank=True,
                        help_text="The situation the initiative responds to: who was affected, by what, and why it mattered.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Context and problem addressed",
                    ),
                ),
                (
                    "context_es",
                    models.TextField(
                        blank=True,
                        help_text="The situation the initiative responds to: who was affected, by what, and why it mattered.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Context and problem addressed",
                    ),
                ),
                (
                    "context_ar",
                    models.TextField(
                        blank=True,
                        help_text="The situation the initiative responds to: who was affected, by what, and why it mattered.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Context and problem addressed",
                    ),
                ),
                (
                    "activities",
                    models.TextField(
                        blank=True,
                        help_text="What was done, by whom, and how: the main activities, in the order they happened.",
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Activities",
                    ),
                ),
                (
                    "activities_en",
                    models.TextField(
                        blank=True,
                        help_text="What was done, by whom, and how: the main activities, in the order they happened.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Activities",
                    ),
                ),
                (
                    "activities_fr",
                    models.TextField(
                        blank=True,
                        help_text="What was done, by whom, and how: the main activities, in the order they happened.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Activities",
                    ),
                ),
                (
                    "activities_es",
                    models.TextField(
                        blank=True,
                        help_text="What was done, by whom, and how: the main activities, in the order they happened.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Activities",
                    ),
                ),
                (
                    "activities_ar",
                    models.TextField(
                        blank=True,
                        help_text="What was done, by whom, and how: the main activities, in the order they happened.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Activities",
                    ),
                ),
                (
                    "results",
                    models.TextField(
                        blank=True,
                        help_text="What changed because of the initiative: outputs, outcomes and longer-term impact, with figures if any.",
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Results and impact",
                    ),
                ),
                (
                    "results_en",
                    models.TextField(
                        blank=True,
                        help_text="What changed because of the initiative: outputs, outcomes and longer-term impact, with figures if any.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Results and impact",
                    ),
                ),
                (
                    "results_fr",
                    models.TextField(
                        blank=True,
                        help_text="What changed because of the initiative: outputs, outcomes and longer-term impact, with figures if any.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Results and impact",
                    ),
                ),
                (
                    "results_es",
                    models.TextField(
                        blank=True,
                        help_text="What changed because of the initiative: outputs, outcomes and longer-term impact, with figures if any.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Results and impact",
                    ),
                ),
                (
                    "results_ar",
                    models.TextField(
                        blank=True,
                        help_text="What changed because of the initiative: outputs, outcomes and longer-term impact, with figures if any.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Results and impact",
                    ),
                ),
                (
                    "evidence",
                    models.TextField(
                        blank=True,
                        help_text="What backs the results: evaluations, monitoring data, studies or reports, and who produced them.",
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Evidence of results",
                    ),
                ),
                (
                    "evidence_en",
                    models.TextField(
                        blank=True,
                        help_text="What backs the results: evaluations, monitoring data, studies or reports, and who produced them.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Evidence of results",
                    ),
                ),
                (
                    "evidence_fr",
                    models.TextField(
                        blank=True,
                        help_text="What backs the results: evaluations, monitoring data, studies or reports, and who produced them.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Evidence of results",
                    ),
                ),
                (
                    "evidence_es",
                    models.TextField(
                        blank=True,
                        help_text="What backs the results: evaluations, monitoring data, studies or reports, and who produced them.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Evidence of results",
                    ),
                ),
                (
                    "evidence_ar",
                    models.TextField(
                        blank=True,
                        help_text="What backs the results: evaluations, monitoring data, studies or reports, and who produced them.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Evidence of results",
                    ),
                ),
                (
                    "good_practice",
                    models.TextField(
                        blank=True,
                        help_text="Why others should learn from it: its innovation, sustainability, replicability or scalability, and its partnerships.",
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="What makes it a good practice",
                    ),
                ),
                (
                    "good_practice_en",
                    models.TextField(
                        blank=True,
                        help_text="Why others should learn from it: its innovation, sustainability, replicability or scalability, and its partnerships.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="What makes it a good practice",
                    ),
                ),
                (
                    "good_practice_fr",
                    models.TextField(
                        blank=True,
                        help_text="Why others should learn from it: its innovation, sustainability, replicability or scalability, and its partnerships.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="What makes it a good practice",
                    ),
                ),
                (
                    "good_practice_es",
                    models.TextField(
                        blank=True,
                        help_text="Why others should learn from it: its innovation, sustainability, replicability or scalability, and its partnerships.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="What makes it a good practice",
                    ),
                ),
                (
                    "good_practice_ar",
                    models.TextField(
                        blank=True,
                        help_text="Why others should learn from it: its innovation, sustainability, replicability or scalability, and its partnerships.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="What makes it a good practice",
                    ),
                ),
                (
                    "lessons",
                    models.TextField(
                        blank=True,
                        help_text="What was difficult, what did not work, and what you would do differently.",
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Challenges and lessons learned",
                    ),
                ),
                (
                    "lessons_en",
                    models.TextField(
                        blank=True,
                        help_text="What was difficult, what did not work, and what you would do differently.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Challenges and lessons learned",
                    ),
                ),
                (
                    "lessons_fr",
                    models.TextField(
                        blank=True,
                        help_text="What was difficult, what did not work, and what you would do differently.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Challenges and lessons learned",
                    ),
                ),
                (
                    "lessons_es",
                    models.TextField(
                        blank=True,
                        help_text="What was difficult, what did not work, and what you would do differently.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Challenges and lessons learned",
                    ),
                ),
                (
                    "lessons_ar",
                    models.TextField(
                        blank=True,
                        help_text="What was difficult, what did not work, and what you would do differently.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Challenges and lessons learned",
                    ),
                ),
                (
                    "recommendations",
                    models.TextField(
                        blank=True,
                        help_text="Advice for those who want to do something similar.",
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Recommendations",
                    ),
                ),
                (
                    "recommendations_en",
                    models.TextField(
                        blank=True,
                        help_text="Advice for those who want to do something similar.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Recommendations",
                    ),
                ),
                (
                    "recommendations_fr",
                    models.TextField(
                        blank=True,
                        help_text="Advice for those who want to do something similar.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Recommendations",
                    ),
                ),
                (
                    "recommendations_es",
                    models.TextField(
                        blank=True,
                        help_text="Advice for those who want to do something similar.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Recommendations",
                    ),
                ),
                (
                    "recommendations_ar",
                    models.TextField(
                        blank=True,
                        help_text="Advice for those who want to do something similar.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Recommendations",
                    ),
                ),
                (
                    "beneficiaries",
                    models.TextField(
                        blank=True,
                        help_text="Who the initiative is for, and how many people it reached.",
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Beneficiaries and target groups",
                    ),
                ),
                (
                    "beneficiaries_en",
                    models.TextField(
                        blank=True,
                        help_text="Who the initiative is for, and how many people it reached.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Beneficiaries and target groups",
                    ),
                ),
                (
                    "beneficiaries_fr",
                    models.TextField(
                        blank=True,
                        help_text="Who the initiative is for, and how many people it reached.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Beneficiaries and target groups",
                    ),
                ),
                (
                    "beneficiaries_es",
                    models.TextField(
                        blank=True,
                        help_text="Who the initiative is for, and how many people it reached.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Beneficiaries and target groups",
                    ),
                ),
                (
                    "beneficiaries_ar",
                    models.TextField(
                        blank=True,
                        help_text="Who the initiative is for, and how many people it reached.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Beneficiaries and target groups",
                    ),
                ),
                (
                    "budget",
                    models.TextField(
                        blank=True,
                        help_text="The budget, and who funded it.",
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Budget and funding",
                    ),
                ),
                (
                    "budget_en",
                    models.TextField(
                        blank=True,
                        help_text="The budget, and who funded it.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Budget and funding",
                    ),
                ),
                (
                    "budget_fr",
                    models.TextField(
                        blank=True,
                        help_text="The budget, and who funded it.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Budget and funding",
                    ),
                ),
                (
                    "budget_es",
                    models.TextField(
                        blank=True,
                        help_text="The budget, and who funded it.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Budget and funding",
                    ),
                ),
                (
                    "budget_ar",
                    models.TextField(
                        blank=True,
                        help_text="The budget, and who funded it.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Budget and funding",
                    ),
                ),
                (
                    "source",
                    models.TextField(
                        blank=True,
                        help_text="Where this practice was collected or presented, for example a GFMD process or a call for practices.",
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Source",
                    ),
                ),
                (
                    "source_en",
                    models.TextField(
                        blank=True,
                        help_text="Where this practice was collected or presented, for example a GFMD process or a call for practices.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Source",
                    ),
                ),
                (
                    "source_fr",
                    models.TextField(
                        blank=True,
                        help_text="Where this practice was collected or presented, for example a GFMD process or a call for practices.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Source",
                    ),
                ),
                (
                    "source_es",
                    models.TextField(
                        blank=True,
                        help_text="Where this practice was collected or presented, for example a GFMD process or a call for practices.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Source",
                    ),
                ),
                (
                    "source_ar",
                    models.TextField(
                        blank=True,
                        help_text="Where this practice was collected or presented, for example a GFMD process or a call for practices.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Source",
                    ),
                ),
                (
                    "category",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="initiatives",
                        to="initiatives.category",
                        verbose_name="category",
                    ),
                ),
                (
                    "countries",
                    models.ManyToManyField(
                        blank=True, related_name="initiatives", to="initiatives.country", verbose_name="countries"
                    ),
                ),
                (
                    "principles",
                    models.ManyToManyField(
                        blank=True,
                        related_name="initiatives",
                        to="initiatives.guidingprinciple",
                        verbose_name="guiding principles",
                    ),
                ),
                (
                    "tags",
                    taggit.managers.TaggableManager(
                        blank=True,
                        help_text="A comma-separated list of tags.",
                        through="taggit.TaggedItem",
                        to="taggit.Tag",
                        verbose_name="tags",
                    ),
                ),
            ],
            options={
                "verbose_name": "initiative",
                "verbose_name_plural": "initiatives",
                "ordering": ["-published_at", "-pk"],
                "indexes": [
                    models.Index(fields=["status", "-published_at", "-id"], name="initiative_status_published"),
                    models.Index(fields=["status", "title"], name="initiative_status_title"),
                    models.Index(fields=["status", "category"], name="initiative_status_category"),
                    models.Index(fields=["start_date"], name="initiative_start"),
                    models.Index(fields=["end_date"], name="initiative_end"),
                    models.Index(fields=["featured", "status"], name="initiative_featured"),
                    models.Index(fields=["status", "title_en"], name="initiative_status_title-en"),
                    models.Index(fields=["status", "title_fr"], name="initiative_status_title-fr"),
                    models.Index(fields=["status", "title_es"], name="initiative_status_title-es"),
                    models.Index(fields=["status", "title_ar"], name="initiative_status_title-ar"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["draft", "published", "archived"])),
                        name="initiative_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "published"), _negated=True),
                            ("published_at__isnull", False),
                            _connector="OR",
                        ),
                        name="initiative_published_has_date",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("scope__in", ["", "global", "regional", "national", "local"])),
                        name="initiative_scope_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("start_date__isnull", True),
                            ("end_date__isnull", True),
                            ("end_date__gte", models.F("start_date")),
                            _connector="OR",
                        ),
                        name="initiative_ends_after_start",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("submitter_honorific__in", ["", "Ms.", "Mr.", "Mx.", "Dr."])),
                        name="initiative_honorific_valid",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("external_id", ""), _negated=True),
                        fields=("external_id",),
                        name="initiative_external_id_unique",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalCategory",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("name", models.CharField(max_length=255, verbose_name="name")),
                ("name_en", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_fr", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_es", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_ar", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("slug", models.SlugField(max_length=255, verbose_name="slug")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("description_en", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_fr", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_es", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_ar", models.TextField(blank=True, null=True, verbose_name="description")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical category",
                "verbose_name_plural": "historical categories",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalGuidingPrinciple",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("name", models.CharField(max_length=255, verbose_name="name")),
                ("name_en", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_fr", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_es", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_ar", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("slug", models.SlugField(max_length=255, verbose_name="slug")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("description_en", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_fr", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_es", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_ar", models.TextField(blank=True, null=True, verbose_name="description")),
                ("number", models.PositiveSmallIntegerField(db_index=True, verbose_name="number")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical guiding principle",
                "verbose_name_plural": "historical guiding principles",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalInitiative",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("tags_snapshot", models.JSONField(blank=True, default=list, verbose_name="tags")),
                ("involvements_snapshot", models.JSONField(blank=True, default=list, verbose_name="organisations")),
                ("links_snapshot", models.JSONField(blank=True, default=list, verbose_name="links")),
                ("attachments_snapshot", models.JSONField(blank=True, default=list, verbose_name="attachments")),
                (
                    "language",
                    models.CharField(
                        choices=initiatives.models.content_languages,
                        db_index=True,
                        default="en",
                        max_length=7,
                        verbose_name="original language",
                    ),
                ),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                ("title_en", models.CharField(max_length=300, null=True, verbose_name="title")),
                ("title_fr", models.CharField(max_length=300, null=True, verbose_name="title")),
                ("title_es", models.CharField(max_length=300, null=True, verbose_name="title")),
                ("title_ar", models.CharField(max_length=300, null=True, verbose_name="title")),
                ("acronym", models.CharField(blank=True, max_length=50, verbose_name="acronym")),
                ("acronym_en", models.CharField(blank=True, max_length=50, null=True, verbose_name="acronym")),
                ("acronym_fr", models.CharField(blank=True, max_length=50, null=True, verbose_name="acronym")),
                ("acronym_es", models.CharField(blank=True, max_length=50, null=True, verbose_name="acronym")),
                ("acronym_ar", models.CharField(blank=True, max_length=50, null=True, verbose_name="acronym")),
                ("slug", models.SlugField(max_length=255, verbose_name="slug")),
                ("summary", models.TextField(help_text="Plain text, shown on listings.", verbose_name="summary")),
                (
                    "summary_en",
                    models.TextField(help_text="Plain text, shown on listings.", null=True, verbose_name="summary"),
                ),
                (
                    "summary_fr",
                    models.TextField(help_text="Plain text, shown on listings.", null=True, verbose_name="summary"),
                ),
                (
                    "summary_es",
                    models.TextField(help_text="Plain text, shown on listings.", null=True, verbose_name="summary"),
                ),
                (
                    "summary_ar",
                    models.TextField(help_text="Plain text, shown on listings.", null=True, verbose_name="summary"),
                ),
                (
                    "description",
                    models.TextField(
                        blank=True,
                        help_text="Markdown. Raw HTML is removed when the page is shown.",
                        verbose_name="description",
                    ),
                ),
                (
                    "description_en",
                    models.TextField(
                        blank=True,
                        help_text="Markdown. Raw HTML is removed when the page is shown.",
                        null=True,
                        verbose_name="description",
                    ),
                ),
                (
                    "description_fr",
                    models.TextField(
                        blank=True,
                        help_text="Markdown. Raw HTML is removed when the page is shown.",
                        null=True,
                        verbose_name="description",
                    ),
                ),
                (
                    "description_es",
                    models.TextField(
                        blank=True,
                        help_text="Markdown. Raw HTML is removed when the page is shown.",
                        null=True,
                        verbose_name="description",
                    ),
                ),
                (
                    "description_ar",
                    models.TextField(
                        blank=True,
                        help_text="Markdown. Raw HTML is removed when the page is shown.",
                        null=True,
                        verbose_name="description",
                    ),
                ),
                (
                    "scope",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("global", "Global"),
                            ("regional", "Regional"),
                            ("national", "National"),
                            ("local", "Local"),
                        ],
                        max_length=10,
                        verbose_name="geographic scope",
                    ),
                ),
                ("start_date", models.DateField(blank=True, null=True, verbose_name="start")),
                (
                    "start_precision",
                    models.CharField(
                        choices=[("year", "Year"), ("month", "Month"), ("day", "Day")],
                        default="year",
                        max_length=5,
                        verbose_name="start precision",
                    ),
                ),
                ("end_date", models.DateField(blank=True, null=True, verbose_name="end")),
                (
                    "end_precision",
                    models.CharField(
                        choices=[("year", "Year"), ("month", "Month"), ("day", "Day")],
                        default="year",
                        max_length=5,
                        verbose_name="end precision",
                    ),
                ),
                ("ongoing", models.BooleanField(default=False, verbose_name="ongoing")),
                ("website", models.URLField(blank=True, max_length=500, verbose_name="website")),
                (
                    "submitter_honorific",
                    models.CharField(
                        blank=True,
                        choices=[("Ms.", "Ms."), ("Mr.", "Mr."), ("Mx.", "Mx."), ("Dr.", "Dr.")],
                        max_length=4,
                        verbose_name="submitter's honorific",
                    ),
                ),
                ("submitter_name", models.CharField(blank=True, max_length=200, verbose_name="submitter's name")),
                (
                    "submitter_organisation",
                    models.CharField(blank=True, max_length=255, verbose_name="submitter's organisation"),
                ),
                (
                    "submitter_email",
                    models.EmailField(
                        blank=True,
                        help_text="Never shown publicly.",
                        max_length=254,
                        verbose_name="submitter's contact e-mail",
                    ),
                ),
                ("submitted_on", models.DateField(blank=True, null=True, verbose_name="submitted on")),
                ("contact_name", models.CharField(blank=True, max_length=200, verbose_name="contact person")),
                ("contact_role", models.CharField(blank=True, max_length=200, verbose_name="contact person's role")),
                (
                    "contact_organisation",
                    models.CharField(blank=True, max_length=255, verbose_name="contact person's organisation"),
                ),
                (
                    "contact_email",
                    models.EmailField(
                        blank=True,
                        help_text="Never shown publicly: visitors write through the “Contact the implementer” form.",
                        max_length=254,
                        verbose_name="contact person's e-mail",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("published", "Published"), ("archived", "Archived")],
                        default="draft",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("featured", models.BooleanField(default=False, verbose_name="featured")),
                (
                    "featured_order",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="Featured initiatives appear on the home page lowest number first.",
                        verbose_name="featured order",
                    ),
                ),
                (
                    "external_id",
                    models.CharField(
                        blank=True,
                        help_text="This initiative's identifier in a partner's system; imports match on it.",
                        max_length=100,
                        verbose_name="external id",
                    ),
                ),
                ("published_at", models.DateTimeField(blank=True, null=True, verbose_name="published")),
                (
                    "context",
                    models.TextField(
                        blank=True,
                        help_text="The situation the initiative responds to: who was affected, by what, and why it mattered.",
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Context and problem addressed",
                    ),
                ),
                (
                    "context_en",
                    models.TextField(
                        blank=True,
                        help_text="The situation the initiative responds to: who was affected, by what, and why it mattered.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Context and problem addressed",
                    ),
                ),
                (
                    "context_fr",
                    models.TextField(
                        blank=True,
                        help_text="The situation the initiative responds to: who was affected, by what, and why it mattered.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Context and problem addressed",
                    ),
                ),
                (
                    "context_es",
                    models.TextField(
                        blank=True,
                        help_text="The situation the initiative responds to: who was affected, by what, and why it mattered.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Context and problem addressed",
                    ),
                ),
                (
                    "context_ar",
                    models.TextField(
                        blank=True,
                        help_text="The situation the initiative responds to: who was affected, by what, and why it mattered.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Context and problem addressed",
                    ),
                ),
                (
                    "activities",
                    models.TextField(
                        blank=True,
                        help_text="What was done, by whom, and how: the main activities, in the order they happened.",
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Activities",
                    ),
                ),
                (
                    "activities_en",
                    models.TextField(
                        blank=True,
                        help_text="What was done, by whom, and how: the main activities, in the order they happened.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Activities",
                    ),
                ),
                (
                    "activities_fr",
                    models.TextField(
                        blank=True,
                        help_text="What was done, by whom, and how: the main activities, in the order they happened.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Activities",
                    ),
                ),
                (
                    "activities_es",
                    models.TextField(
                        blank=True,
                        help_text="What was done, by whom, and how: the main activities, in the order they happened.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Activities",
                    ),
                ),
                (
                    "activities_ar",
                    models.TextField(
                        blank=True,
                        help_text="What was done, by whom, and how: the main activities, in the order they happened.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Activities",
                    ),
                ),
                (
                    "results",
                    models.TextField(
                        blank=True,
                        help_text="What changed because of the initiative: outputs, outcomes and longer-term impact, with figures if any.",
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Results and impact",
                    ),
                ),
                (
                    "results_en",
                    models.TextField(
                        blank=True,
                        help_text="What changed because of the initiative: outputs, outcomes and longer-term impact, with figures if any.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Results and impact",
                    ),
                ),
                (
                    "results_fr",
                    models.TextField(
                        blank=True,
                        help_text="What changed because of the initiative: outputs, outcomes and longer-term impact, with figures if any.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Results and impact",
                    ),
                ),
                (
                    "results_es",
                    models.TextField(
                        blank=True,
                        help_text="What changed because of the initiative: outputs, outcomes and longer-term impact, with figures if any.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Results and impact",
                    ),
                ),
                (
                    "results_ar",
                    models.TextField(
                        blank=True,
                        help_text="What changed because of the initiative: outputs, outcomes and longer-term impact, with figures if any.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Results and impact",
                    ),
                ),
                (
                    "evidence",
                    models.TextField(
                        blank=True,
                        help_text="What backs the results: evaluations, monitoring data, studies or reports, and who produced them.",
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Evidence of results",
                    ),
                ),
                (
                    "evidence_en",
                    models.TextField(
                        blank=True,
                        help_text="What backs the results: evaluations, monitoring data, studies or reports, and who produced them.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Evidence of results",
                    ),
                ),
                (
                    "evidence_fr",
                    models.TextField(
                        blank=True,
                        help_text="What backs the results: evaluations, monitoring data, studies or reports, and who produced them.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Evidence of results",
                    ),
                ),
                (
                    "evidence_es",
                    models.TextField(
                        blank=True,
                        help_text="What backs the results: evaluations, monitoring data, studies or reports, and who produced them.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Evidence of results",
                    ),
                ),
                (
                    "evidence_ar",
                    models.TextField(
                        blank=True,
                        help_text="What backs the results: evaluations, monitoring data, studies or reports, and who produced them.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Evidence of results",
                    ),
                ),
                (
                    "good_practice",
                    models.TextField(
                        blank=True,
                        help_text="Why others should learn from it: its innovation, sustainability, replicability or scalability, and its partnerships.",
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="What makes it a good practice",
                    ),
                ),
                (
                    "good_practice_en",
                    models.TextField(
                        blank=True,
                        help_text="Why others should learn from it: its innovation, sustainability, replicability or scalability, and its partnerships.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="What makes it a good practice",
                    ),
                ),
                (
                    "good_practice_fr",
                    models.TextField(
                        blank=True,
                        help_text="Why others should learn from it: its innovation, sustainability, replicability or scalability, and its partnerships.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="What makes it a good practice",
                    ),
                ),
                (
                    "good_practice_es",
                    models.TextField(
                        blank=True,
                        help_text="Why others should learn from it: its innovation, sustainability, replicability or scalability, and its partnerships.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="What makes it a good practice",
                    ),
                ),
                (
                    "good_practice_ar",
                    models.TextField(
                        blank=True,
                        help_text="Why others should learn from it: its innovation, sustainability, replicability or scalability, and its partnerships.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="What makes it a good practice",
                    ),
                ),
                (
                    "lessons",
                    models.TextField(
                        blank=True,
                        help_text="What was difficult, what did not work, and what you would do differently.",
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Challenges and lessons learned",
                    ),
                ),
                (
                    "lessons_en",
                    models.TextField(
                        blank=True,
                        help_text="What was difficult, what did not work, and what you would do differently.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Challenges and lessons learned",
                    ),
                ),
                (
                    "lessons_fr",
                    models.TextField(
                        blank=True,
                        help_text="What was difficult, what did not work, and what you would do differently.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Challenges and lessons learned",
                    ),
                ),
                (
                    "lessons_es",
                    models.TextField(
                        blank=True,
                        help_text="What was difficult, what did not work, and what you would do differently.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Challenges and lessons learned",
                    ),
                ),
                (
                    "lessons_ar",
                    models.TextField(
                        blank=True,
                        help_text="What was difficult, what did not work, and what you would do differently.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Challenges and lessons learned",
                    ),
                ),
                (
                    "recommendations",
                    models.TextField(
                        blank=True,
                        help_text="Advice for those who want to do something similar.",
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Recommendations",
                    ),
                ),
                (
                    "recommendations_en",
                    models.TextField(
                        blank=True,
                        help_text="Advice for those who want to do something similar.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Recommendations",
                    ),
                ),
                (
                    "recommendations_fr",
                    models.TextField(
                        blank=True,
                        help_text="Advice for those who want to do something similar.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Recommendations",
                    ),
                ),
                (
                    "recommendations_es",
                    models.TextField(
                        blank=True,
                        help_text="Advice for those who want to do something similar.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Recommendations",
                    ),
                ),
                (
                    "recommendations_ar",
                    models.TextField(
                        blank=True,
                        help_text="Advice for those who want to do something similar.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Recommendations",
                    ),
                ),
                (
                    "beneficiaries",
                    models.TextField(
                        blank=True,
                        help_text="Who the initiative is for, and how many people it reached.",
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Beneficiaries and target groups",
                    ),
                ),
                (
                    "beneficiaries_en",
                    models.TextField(
                        blank=True,
                        help_text="Who the initiative is for, and how many people it reached.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Beneficiaries and target groups",
                    ),
                ),
                (
                    "beneficiaries_fr",
                    models.TextField(
                        blank=True,
                        help_text="Who the initiative is for, and how many people it reached.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Beneficiaries and target groups",
                    ),
                ),
                (
                    "beneficiaries_es",
                    models.TextField(
                        blank=True,
                        help_text="Who the initiative is for, and how many people it reached.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Beneficiaries and target groups",
                    ),
                ),
                (
                    "beneficiaries_ar",
                    models.TextField(
                        blank=True,
                        help_text="Who the initiative is for, and how many people it reached.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Beneficiaries and target groups",
                    ),
                ),
                (
                    "budget",
                    models.TextField(
                        blank=True,
                        help_text="The budget, and who funded it.",
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Budget and funding",
                    ),
                ),
                (
                    "budget_en",
                    models.TextField(
                        blank=True,
                        help_text="The budget, and who funded it.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Budget and funding",
                    ),
                ),
                (
                    "budget_fr",
                    models.TextField(
                        blank=True,
                        help_text="The budget, and who funded it.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Budget and funding",
                    ),
                ),
                (
                    "budget_es",
                    models.TextField(
                        blank=True,
                        help_text="The budget, and who funded it.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Budget and funding",
                    ),
                ),
                (
                    "budget_ar",
                    models.TextField(
                        blank=True,
                        help_text="The budget, and who funded it.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Budget and funding",
                    ),
                ),
                (
                    "source",
                    models.TextField(
                        blank=True,
                        help_text="Where this practice was collected or presented, for example a GFMD process or a call for practices.",
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Source",
                    ),
                ),
                (
                    "source_en",
                    models.TextField(
                        blank=True,
                        help_text="Where this practice was collected or presented, for example a GFMD process or a call for practices.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Source",
                    ),
                ),
                (
                    "source_fr",
                    models.TextField(
                        blank=True,
                        help_text="Where this practice was collected or presented, for example a GFMD process or a call for practices.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Source",
                    ),
                ),
                (
                    "source_es",
                    models.TextField(
                        blank=True,
                        help_text="Where this practice was collected or presented, for example a GFMD process or a call for practices.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Source",
                    ),
                ),
                (
                    "source_ar",
                    models.TextField(
                        blank=True,
                        help_text="Where this practice was collected or presented, for example a GFMD process or a call for practices.",
                        null=True,
                        validators=[django.core.validators.MaxLengthValidator(10000)],
                        verbose_name="Source",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "category",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="initiatives.category",
                        verbose_name="category",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical initiative",
                "verbose_name_plural": "historical initiatives",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalOrganisation",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("name", models.CharField(max_length=255, verbose_name="name")),
                ("name_en", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_fr", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_es", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_ar", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("slug", models.SlugField(max_length=255, verbose_name="slug")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("description_en", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_fr", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_es", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_ar", models.TextField(blank=True, null=True, verbose_name="description")),
                ("acronym", models.CharField(blank=True, max_length=50, verbose_name="acronym")),
                ("website", models.URLField(blank=True, verbose_name="website")),
                ("logo", models.TextField(blank=True, max_length=300, verbose_name="logo")),
                (
                    "logo_width",
                    models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name="logo width"),
                ),
                (
                    "logo_height",
                    models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name="logo height"),
                ),
                (
                    "kind",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("un-entity", "UN entity"),
                            ("government", "Government"),
                            ("regional", "Regional organisation"),
                            ("international", "International organisation"),
                            ("civil-society", "Civil society"),
                            ("academia", "Academia"),
                            ("private-sector", "Private sector"),
                            ("local-authority", "Local authority"),
                            ("foundation", "Philanthropic foundation"),
                            ("other", "Other"),
                        ],
                        db_index=True,
                        max_length=20,
                        verbose_name="organisation type",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "country",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="initiatives.country",
                        verbose_name="headquarters country",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical organisation",
                "verbose_name_plural": "historical organisations",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalSdgGoal",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("name", models.CharField(max_length=255, verbose_name="name")),
                ("name_en", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_fr", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_es", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_ar", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("slug", models.SlugField(max_length=255, verbose_name="slug")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("description_en", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_fr", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_es", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_ar", models.TextField(blank=True, null=True, verbose_name="description")),
                ("number", models.PositiveSmallIntegerField(db_index=True, verbose_name="SDG number")),
                ("title", models.CharField(max_length=500, verbose_name="official title")),
                ("title_en", models.CharField(max_length=500, null=True, verbose_name="official title")),
                ("title_fr", models.CharField(max_length=500, null=True, verbose_name="official title")),
                ("title_es", models.CharField(max_length=500, null=True, verbose_name="official title")),
                ("title_ar", models.CharField(max_length=500, null=True, verbose_name="official title")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical Sustainable Development Goal",
                "verbose_name_plural": "historical Sustainable Development Goals",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalTag",
            fields=[
                ("id", models.IntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("name", models.CharField(db_index=True, max_length=100, verbose_name="name")),
                ("slug", models.SlugField(allow_unicode=True, max_length=100, verbose_name="slug")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical tag",
                "verbose_name_plural": "historical tags",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalTheme",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("name", models.CharField(max_length=255, verbose_name="name")),
                ("name_en", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_fr", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_es", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_ar", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("slug", models.SlugField(max_length=255, verbose_name="slug")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("description_en", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_fr", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_es", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_ar", models.TextField(blank=True, null=True, verbose_name="description")),
                (
                    "number",
                    models.PositiveSmallIntegerField(
                        blank=True, db_index=True, null=True, verbose_name="GCM objective number"
                    ),
                ),
                ("title", models.CharField(blank=True, max_length=255, verbose_name="official title")),
                ("title_en", models.CharField(blank=True, max_length=255, null=True, verbose_name="official title")),
                ("title_fr", models.CharField(blank=True, max_length=255, null=True, verbose_name="official title")),
                ("title_es", models.CharField(blank=True, max_length=255, null=True, verbose_name="official title")),
                ("title_ar", models.CharField(blank=True, max_length=255, null=True, verbose_name="official title")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical theme",
                "verbose_name_plural": "historical themes",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="InitiativeEmbedding",
            fields=[
                ("vector", models.BinaryField(verbose_name="vector")),
                ("text_hash", models.CharField(max_length=64, verbose_name="text hash")),
                ("model", models.CharField(max_length=100, verbose_name="model")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "initiative",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="embedding",
                        serialize=False,
                        to="initiatives.initiative",
                        verbose_name="initiative",
                    ),
                ),
            ],
            options={
                "verbose_name": "initiative embedding",
                "verbose_name_plural": "initiative embeddings",
            },
        ),
        migrations.CreateModel(
            name="HistoricalInitiative_principles",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "guidingprinciple",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="initiatives.guidingprinciple",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="initiatives.historicalinitiative",
                    ),
                ),
                (
                    "initiative",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="initiatives.initiative",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalInitiative_principles",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalInitiative_countries",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "country",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="initiatives.country",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="initiatives.historicalinitiative",
                    ),
                ),
                (
                    "initiative",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="initiatives.initiative",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalInitiative_countries",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Organisation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=255, verbose_name="name")),
                ("name_en", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_fr", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_es", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_ar", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("slug", models.SlugField(max_length=255, unique=True, verbose_name="slug")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("description_en", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_fr", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_es", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_ar", models.TextField(blank=True, null=True, verbose_name="description")),
                ("acronym", models.CharField(blank=True, max_length=50, verbose_name="acronym")),
                ("website", models.URLField(blank=True, verbose_name="website")),
                ("logo", models.FileField(blank=True, max_length=300, upload_to="logos/", verbose_name="logo")),
                (
                    "logo_width",
                    models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name="logo width"),
                ),
                (
                    "logo_height",
                    models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name="logo height"),
                ),
                (
                    "kind",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("un-entity", "UN entity"),
                            ("government", "Government"),
                            ("regional", "Regional organisation"),
                            ("international", "International organisation"),
                            ("civil-society", "Civil society"),
                            ("academia", "Academia"),
                            ("private-sector", "Private sector"),
                            ("local-authority", "Local authority"),
                            ("foundation", "Philanthropic foundation"),
                            ("other", "Other"),
                        ],
                        db_index=True,
                        max_length=20,
                        verbose_name="organisation type",
                    ),
                ),
                (
                    "country",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="organisations",
                        to="initiatives.country",
                        verbose_name="headquarters country",
                    ),
                ),
            ],
            options={
                "verbose_name": "organisation",
                "verbose_name_plural": "organisations",
                "ordering": ["name"],
                "abstract": False,
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "kind__in",
                                [
                                    "",
                                    "un-entity",
                                    "government",
                                    "regional",
                                    "international",
                                    "civil-society",
                                    "academia",
                                    "private-sector",
                                    "local-authority",
                                    "foundation",
                                    "other",
                                ],
                            )
                        ),
                        name="organisation_kind_valid",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Involvement",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("implementer", "Implementing organisation"),
                            ("partner", "Partner"),
                            ("associate", "Associate partner"),
                            ("funder", "Funder"),
                        ],
                        default="implementer",
                        max_length=12,
                        verbose_name="role",
                    ),
                ),
                (
                    "note",
                    models.CharField(blank=True, help_text='e.g. "from 2020"', max_length=255, verbose_name="note"),
                ),
                (
                    "initiative",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="involvements",
                        to="initiatives.initiative",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="involvements",
                        to="initiatives.organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "involvement",
                "verbose_name_plural": "involvements",
                "ordering": ["role", "pk"],
                "indexes": [models.Index(fields=["organisation", "initiative"], name="involvement_org_initiative")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("initiative", "organisation", "role"), name="involvement_unique_role"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("role__in", ["implementer", "partner", "associate", "funder"])),
                        name="involvement_role_valid",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="initiative",
            name="organisations",
            field=models.ManyToManyField(
                blank=True,
                related_name="initiatives",
                through="initiatives.Involvement",
                to="initiatives.organisation",
                verbose_name="organisations",
            ),
        ),
        migrations.CreateModel(
            name="Region",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=255, verbose_name="name")),
                ("name_en", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_fr", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_es", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_ar", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("slug", models.SlugField(max_length=255, unique=True, verbose_name="slug")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("description_en", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_fr", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_es", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_ar", models.TextField(blank=True, null=True, verbose_name="description")),
                ("m49_code", models.CharField(max_length=3, unique=True, verbose_name="M49 code")),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("region", "Region"),
                            ("subregion", "Sub-region"),
                            ("intermediate", "Intermediate region"),
                        ],
                        max_length=12,
                        verbose_name="level",
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="children",
                        to="initiatives.region",
                        verbose_name="parent region",
                    ),
                ),
            ],
            options={
                "verbose_name": "region",
                "verbose_name_plural": "regions",
                "ordering": ["name"],
                "abstract": False,
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("level__in", ["region", "subregion", "intermediate"])),
                        name="region_level_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("level", "region"), ("parent__isnull", True)),
                            models.Q(models.Q(("level", "region"), _negated=True), ("parent__isnull", False)),
                            _connector="OR",
                        ),
                        name="region_parent_matches_level",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="initiative",
            name="covered_regions",
            field=models.ManyToManyField(
                blank=True, editable=False, related_name="+", to="initiatives.region", verbose_name="covered regions"
            ),
        ),
        migrations.AddField(
            model_name="initiative",
            name="regions",
            field=models.ManyToManyField(
                blank=True, related_name="initiatives", to="initiatives.region", verbose_name="regions"
            ),
        ),
        migrations.CreateModel(
            name="HistoricalRegion",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("name", models.CharField(max_length=255, verbose_name="name")),
                ("name_en", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_fr", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_es", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_ar", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("slug", models.SlugField(max_length=255, verbose_name="slug")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("description_en", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_fr", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_es", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_ar", models.TextField(blank=True, null=True, verbose_name="description")),
                ("m49_code", models.CharField(db_index=True, max_length=3, verbose_name="M49 code")),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("region", "Region"),
                            ("subregion", "Sub-region"),
                            ("intermediate", "Intermediate region"),
                        ],
                        max_length=12,
                        verbose_name="level",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="initiatives.region",
                        verbose_name="parent region",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical region",
                "verbose_name_plural": "historical regions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalInitiative_regions",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="initiatives.historicalinitiative",
                    ),
                ),
                (
                    "initiative",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="initiatives.initiative",
                    ),
                ),
                (
                    "region",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="initiatives.region",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalInitiative_regions",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalCountry",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("code", models.CharField(db_index=True, max_length=2, verbose_name="ISO 3166-1 alpha-2 code")),
                ("iso3", models.CharField(db_index=True, max_length=3, verbose_name="ISO 3166-1 alpha-3 code")),
                ("m49_code", models.CharField(blank=True, max_length=3, verbose_name="M49 code")),
                ("name", models.CharField(max_length=255, verbose_name="name")),
                ("name_en", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_fr", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_es", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_ar", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("description_en", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_fr", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_es", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_ar", models.TextField(blank=True, null=True, verbose_name="description")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "region",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="initiatives.region",
                        verbose_name="region",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical country",
                "verbose_name_plural": "historical countries",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name="country",
            name="region",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="countries",
                to="initiatives.region",
                verbose_name="region",
            ),
        ),
        migrations.CreateModel(
            name="RelatedInitiative",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("score", models.FloatField(verbose_name="score")),
                ("rank", models.PositiveSmallIntegerField(verbose_name="rank")),
                (
                    "initiative",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="related_rows",
                        to="initiatives.initiative",
                        verbose_name="initiative",
                    ),
                ),
                (
                    "related",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="related_of_rows",
                        to="initiatives.initiative",
                        verbose_name="related initiative",
                    ),
                ),
            ],
            options={
                "verbose_name": "related initiative",
                "verbose_name_plural": "related initiatives",
                "ordering": ["initiative", "rank"],
                "constraints": [
                    models.UniqueConstraint(fields=("initiative", "related"), name="related_initiative_once"),
                    models.UniqueConstraint(fields=("initiative", "rank"), name="related_initiative_rank_once"),
                    models.CheckConstraint(
                        condition=models.Q(("initiative", models.F("related")), _negated=True),
                        name="related_initiative_not_itself",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="SdgGoal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=255, verbose_name="name")),
                ("name_en", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_fr", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_es", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_ar", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("slug", models.SlugField(max_length=255, unique=True, verbose_name="slug")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("description_en", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_fr", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_es", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_ar", models.TextField(blank=True, null=True, verbose_name="description")),
                ("number", models.PositiveSmallIntegerField(unique=True, verbose_name="SDG number")),
                ("title", models.CharField(max_length=500, verbose_name="official title")),
                ("title_en", models.CharField(max_length=500, null=True, verbose_name="official title")),
                ("title_fr", models.CharField(max_length=500, null=True, verbose_name="official title")),
                ("title_es", models.CharField(max_length=500, null=True, verbose_name="official title")),
                ("title_ar", models.CharField(max_length=500, null=True, verbose_name="official title")),
            ],
            options={
                "verbose_name": "Sustainable Development Goal",
                "verbose_name_plural": "Sustainable Development Goals",
                "ordering": ["number"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("number__gte", 1), ("number__lte", 17)), name="sdg_goal_number_1_to_17"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="initiative",
            name="sdg_covered",
            field=models.ManyToManyField(
                blank=True, editable=False, related_name="+", to="initiatives.sdggoal", verbose_name="SDGs covered"
            ),
        ),
        migrations.AddField(
            model_name="initiative",
            name="sdg_goals",
            field=models.ManyToManyField(
                blank=True,
                related_name="initiatives",
                to="initiatives.sdggoal",
                verbose_name="Sustainable Development Goals",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalSdgTarget",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("name", models.CharField(max_length=255, verbose_name="name")),
                ("slug", models.SlugField(max_length=255, verbose_name="slug")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("description_en", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_fr", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_es", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_ar", models.TextField(blank=True, null=True, verbose_name="description")),
                ("code", models.CharField(db_index=True, max_length=5, verbose_name="code")),
                ("text", models.TextField(verbose_name="official text")),
                ("text_en", models.TextField(null=True, verbose_name="official text")),
                ("text_fr", models.TextField(null=True, verbose_name="official text")),
                ("text_es", models.TextField(null=True, verbose_name="official text")),
                ("text_ar", models.TextField(null=True, verbose_name="official text")),
                ("position", models.PositiveSmallIntegerField(default=0, editable=False, verbose_name="position")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "goal",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="initiatives.sdggoal",
                        verbose_name="goal",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical SDG target",
                "verbose_name_plural": "historical SDG targets",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalInitiative_sdg_goals",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="initiatives.historicalinitiative",
                    ),
                ),
                (
                    "initiative",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="initiatives.initiative",
                    ),
                ),
                (
                    "sdggoal",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="initiatives.sdggoal",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalInitiative_sdg_goals",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="SdgTarget",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=255, verbose_name="name")),
                ("slug", models.SlugField(max_length=255, unique=True, verbose_name="slug")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("description_en", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_fr", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_es", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_ar", models.TextField(blank=True, null=True, verbose_name="description")),
                ("code", models.CharField(max_length=5, unique=True, verbose_name="code")),
                ("text", models.TextField(verbose_name="official text")),
                ("text_en", models.TextField(null=True, verbose_name="official text")),
                ("text_fr", models.TextField(null=True, verbose_name="official text")),
                ("text_es", models.TextField(null=True, verbose_name="official text")),
                ("text_ar", models.TextField(null=True, verbose_name="official text")),
                ("position", models.PositiveSmallIntegerField(default=0, editable=False, verbose_name="position")),
                (
                    "goal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="targets",
                        to="initiatives.sdggoal",
                        verbose_name="goal",
                    ),
                ),
            ],
            options={
                "verbose_name": "SDG target",
                "verbose_name_plural": "SDG targets",
                "ordering": ["position", "code"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("code__regex", "^[0-9]{1,2}\\.[0-9a-z]{1,2}$")), name="sdg_target_code"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="initiative",
            name="sdg_targets",
            field=models.ManyToManyField(
                blank=True, related_name="initiatives", to="initiatives.sdgtarget", verbose_name="SDG targets"
            ),
        ),
        migrations.CreateModel(
            name="HistoricalInitiative_sdg_targets",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="initiatives.historicalinitiative",
                    ),
                ),
                (
                    "initiative",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="initiatives.initiative",
                    ),
                ),
                (
                    "sdgtarget",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="initiatives.sdgtarget",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalInitiative_sdg_targets",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("language", models.CharField(default="en", max_length=7)),
                ("word", models.CharField(max_length=100)),
                ("ndoc", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name": "search word",
                "verbose_name_plural": "search words",
                "constraints": [
                    models.UniqueConstraint(fields=("language", "word"), name="searchword_unique_per_language")
                ],
            },
        ),
        migrations.CreateModel(
            name="SlugRedirect",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("initiative", "initiative"),
                            ("region", "region"),
                            ("country", "country"),
                            ("theme", "theme"),
                            ("principle", "guiding principle"),
                            ("category", "category"),
                            ("organisation", "organisation"),
                            ("tag", "tag"),
                            ("sdg", "Sustainable Development Goal"),
                            ("sdg_target", "SDG target"),
                        ],
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                ("old_slug", models.CharField(max_length=255, verbose_name="old slug")),
                ("target_id", models.PositiveBigIntegerField(verbose_name="now at (id)")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
            ],
            options={
                "verbose_name": "old address",
                "verbose_name_plural": "old addresses",
                "ordering": ["kind", "old_slug"],
                "indexes": [models.Index(fields=["kind", "target_id"], name="slug_redirect_target")],
                "constraints": [models.UniqueConstraint(fields=("kind", "old_slug"), name="slug_redirect_unique")],
            },
        ),
        migrations.CreateModel(
            name="TermTotal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("facet", models.CharField(max_length=16)),
                ("term_id", models.IntegerField()),
                ("n", models.PositiveIntegerField(default=0)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("facet", "term_id"), name="termtotal_unique")],
            },
        ),
        migrations.CreateModel(
            name="Theme",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=255, verbose_name="name")),
                ("name_en", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_fr", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_es", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("name_ar", models.CharField(max_length=255, null=True, verbose_name="name")),
                ("slug", models.SlugField(max_length=255, unique=True, verbose_name="slug")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("description_en", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_fr", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_es", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_ar", models.TextField(blank=True, null=True, verbose_name="description")),
                (
                    "number",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, unique=True, verbose_name="GCM objective number"
                    ),
                ),
                ("title", models.CharField(blank=True, max_length=255, verbose_name="official title")),
                ("title_en", models.CharField(blank=True, max_length=255, null=True, verbose_name="official title")),
                ("title_fr", models.CharField(blank=True, max_length=255, null=True, verbose_name="official title")),
                ("title_es", models.CharField(blank=True, max_length=255, null=True, verbose_name="official title")),
                ("title_ar", models.CharField(blank=True, max_length=255, null=True, verbose_name="official title")),
            ],
            options={
                "verbose_name": "theme",
                "verbose_name_plural": "themes",
                "ordering": [models.OrderBy(models.F("number"), nulls_last=True), "name"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("number__isnull", True), models.Q(("number__gte", 1), ("number__lte", 23)), _connector="OR"
                        ),
                        name="theme_number_is_gcm_objective",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="initiative",
            name="themes",
            field=models.ManyToManyField(
                blank=True, related_name="initiatives", to="initiatives.theme", verbose_name="themes"
            ),
        ),
        migrations.CreateModel(
            name="HistoricalInitiative_themes",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="initiatives.historicalinitiative",
                    ),
                ),
                (
                    "initiative",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="initiatives.initiative",
                    ),
                ),
                (
                    "theme",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="initiatives.theme",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalInitiative_themes",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="FacetMembership",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("facet", models.CharField(max_length=16)),
                ("term_id", models.IntegerField()),
                (
                    "initiative",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="initiatives.initiative",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["initiative", "facet", "term_id"], name="facetmembership_by_initiative")
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("facet", "term_id", "initiative"), name="facetmembership_unique")
                ],
            },
        ),
        migrations.CreateModel(
            name="Attachment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("document", "Document"), ("image", "Image")], max_length=8, verbose_name="kind"
                    ),
                ),
                ("file", models.FileField(max_length=300, upload_to="attachments/", verbose_name="file")),
                (
                    "filename",
                    models.CharField(
                        help_text="The name the file is downloaded as.", max_length=150, verbose_name="file name"
                    ),
                ),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                (
                    "alt_text",
                    models.CharField(
                        blank=True,
                        help_text="What the image shows, for those who cannot see it.",
                        max_length=300,
                        verbose_name="text alternative",
                    ),
                ),
                ("content_type", models.CharField(max_length=100, verbose_name="content type")),
                ("size", models.PositiveBigIntegerField(verbose_name="size (bytes)")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                ("width", models.PositiveIntegerField(blank=True, null=True, verbose_name="width")),
                ("height", models.PositiveIntegerField(blank=True, null=True, verbose_name="height")),
                (
                    "card_file",
                    models.FileField(blank=True, max_length=300, upload_to="attachments/", verbose_name="card image"),
                ),
                ("card_width", models.PositiveIntegerField(blank=True, null=True, verbose_name="card width")),
                ("card_height", models.PositiveIntegerField(blank=True, null=True, verbose_name="card height")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="position")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "initiative",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="initiatives.initiative",
                    ),
                ),
            ],
            options={
                "verbose_name": "attachment",
                "verbose_name_plural": "attachments",
                "ordering": ["position", "pk"],
                "abstract": False,
                "indexes": [models.Index(fields=["initiative", "kind", "position"], name="attachment_initiative_kind")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["document", "image"])), name="attachment_kind_valid"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Link",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                ("url", models.URLField(max_length=500, verbose_name="address")),
                (
                    "kind",
                    models.CharField(
                        choices=[("document", "Document"), ("webpage", "Web page"), ("video", "Video")],
                        default="document",
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                (
                    "initiative",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="links", to="initiatives.initiative"
                    ),
                ),
            ],
            options={
                "verbose_name": "link",
                "verbose_name_plural": "links",
                "ordering": ["pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("initiative", "url"), name="link_unique_per_initiative"),
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["document", "webpage", "video"])), name="link_kind_valid"
                    ),
                ],
            },
        ),
        *FULL_TEXT_SEARCH,
    ]
