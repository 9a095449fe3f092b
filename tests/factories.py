"""Small factories for tests: build what a test needs in one call, published through the service."""

import itertools

from initiatives import services
from initiatives.models import Category, Country, Initiative, Involvement, Organisation, Region, Theme

_counter = itertools.count(1)


def make_initiative(
    *,
    title: str | None = None,
    publish: bool = True,
    themes=(),
    regions=(),
    countries=(),
    tags=(),
    organisations=(),
    category: str | None = None,
    **fields,
) -> Initiative:
    """An initiative linked to taxonomy terms given by slug (themes, regions), code (countries) or name."""
    n = next(_counter)
    title = title or f"Test initiative {n}"
    fields.setdefault("slug", f"test-initiative-{n}")
    fields.setdefault("summary", f"Summary of {title}.")
    category_obj = Category.objects.get(slug=category) if category else Category.objects.order_by("pk").first()
    initiative = Initiative(title=title, category=category_obj, **fields)
    initiative.render_description()
    initiative.save()
    initiative.themes.set(Theme.objects.filter(slug__in=themes))
    initiative.regions.set(Region.objects.filter(slug__in=regions))
    initiative.countries.set(Country.objects.filter(code__in=countries))
    if tags:
        initiative.tags.set(list(tags))
    for name in organisations:
        org, _ = Organisation.objects.get_or_create(slug=name.lower().replace(" ", "-"), defaults={"name": name})
        Involvement.objects.create(initiative=initiative, organisation=org)
    if publish:
        services.publish_initiative(initiative=initiative)
    else:
        services.refresh_coverage(initiative=initiative)
    return initiative
