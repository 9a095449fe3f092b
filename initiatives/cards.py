"""A result card's HTML: the fragment a listing, a term page, the home page and an initiative's related ones repeat.

It was a template (``includes/initiative_card.html``). A listing renders twenty of them, and in the template engine
each cost 0.45-0.6 ms (its include, some forty variable lookups, six translation tags): 9.5-12 ms a page, the largest
part of rendering a page that no cache has seen (issue 15). Built here with ``format_html``, twenty take about 3.5 ms.

The strings are the template's: the same messages and contexts, so their translations stand, and the same
translators' comments. As ``blocktranslate`` does, a translation is trusted and what is put into it escaped.
Whatever a card shows is read without a query (``presentation.for_cards``: the image, the places, the objectives
and the category).
"""

from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, pgettext

PLACES_SHOWN = 3  # places named on a card; "and N others" after them


def card(initiative, snippet: str | None = None) -> SafeString:
    """The card of ``initiative`` (a row of ``presentation.for_cards``): its title is its one link (stretched over
    the card by CSS), the meta row and the objectives' badges are text. ``snippet``: the search's excerpt, shown
    instead of the summary."""
    image = initiative.card_image
    title = initiative.text("title")
    if snippet:
        summary = format_html('<p class="card-summary snippet" dir="auto">{}</p>', snippet)
    else:
        # The whole summary stays in the page (read aloud, found by the browser's search); CSS shows three lines.
        shown = initiative.text("summary")
        summary = format_html('<p class="card-summary" dir="auto"{}>{}</p>', shown.lang_attribute, shown)
    return format_html(
        '<article class="card{}">{}<div class="card-body">'
        '<h3 class="card-title"><a href="{}" dir="auto"{}>{}</a></h3>'
        '<ul class="card-meta">{}{}<li class="card-category">{}</li></ul>{}{}{}</div></article>',
        " has-image" if image else "",
        _image(image) if image else "",
        initiative.get_absolute_url(),
        title.lang_attribute,
        title,
        _places(initiative.card_countries or initiative.card_regions),
        _years(initiative),
        initiative.category.name if initiative.category else "",
        submitted_by(initiative),
        summary,
        _badges(initiative.card_themes),
    )


def submitted_by(initiative) -> SafeString:
    """The public credit, "Submitted by Ms. <name> on <date>" (the seed page's words), or nothing without a name."""
    name = initiative.submitter_display
    if not name:
        return mark_safe("")
    if initiative.submitted_on:
        text = gettext("Submitted by %(name)s on %(date)s") % {
            "name": conditional_escape(name),
            "date": conditional_escape(date_format(initiative.submitted_on, "DATE_FORMAT")),
        }
    else:
        text = gettext("Submitted by %(name)s") % {"name": conditional_escape(name)}
    return format_html('<p class="submitted-by">{}</p>', mark_safe(text))


def _image(image) -> SafeString:
    return format_html(
        '<img class="card-image" src="{}" width="{}" height="{}" alt="{}" loading="lazy">',
        image.card_url(),
        image.card_width,
        image.card_height,
        image.alt_text,
    )


def _places(places: list) -> SafeString:
    """The first countries (else regions) named, "and N others" after them."""
    if not places:
        return mark_safe("")
    # Translators: between the names of places in a list ("Algeria, Egypt, Libya"); Arabic uses "، ".
    separator = conditional_escape(pgettext("list separator", ", "))
    names = separator.join(conditional_escape(place.name) for place in places[:PLACES_SHOWN])
    more = len(places) - PLACES_SHOWN
    if more > 0:
        names += " " + ngettext("and %(more)s other", "and %(more)s others", more) % {"more": more}
    return format_html('<li class="card-places">{}</li>', mark_safe(names))


def _years(initiative) -> SafeString:
    start, end = initiative.start_date, initiative.end_date
    if not start:
        return mark_safe("")
    start_year, end_year = f"{start.year:04d}", f"{end.year:04d}" if end else ""
    if end and end_year != start_year:
        # Translators: the years an initiative ran, on a result card ("2015–2019").
        text = gettext("%(start_year)s–%(end_year)s") % {"start_year": start_year, "end_year": end_year}
    elif initiative.ongoing and not end:
        # Translators: the year an initiative that is still running began, on a result card ("Since 2015").
        text = gettext("Since %(start_year)s") % {"start_year": start_year}
    else:
        text = start_year
    return format_html('<li class="card-years">{}</li>', mark_safe(text))


def _badges(themes: list) -> SafeString:
    """The objectives' badges: "Obj. 20", its full name read out instead (and in the tooltip)."""
    if not themes:
        return mark_safe("")
    items = []
    for theme in themes:
        if theme.number:
            full = str(theme)
            # Translators: a badge on a result card, short for "Objective 20" (one of the 23 objectives of the Global
            # Compact for Migration); its full name is read out instead.
            short = mark_safe(gettext("Obj. %(number)s") % {"number": theme.number})
            items.append(
                format_html(
                    '<li class="objective-badge" title="{}"><span aria-hidden="true">{}</span>'
                    '<span class="visually-hidden">{}</span></li>',
                    full,
                    short,
                    full,
                )
            )
        else:
            items.append(format_html('<li class="objective-badge">{}</li>', theme.name))
    return format_html('<ul class="objective-badges">{}</ul>', format_html_join("", "{}", ((i,) for i in items)))
