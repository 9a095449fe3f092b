"""The generator's text: titles, summaries, Markdown descriptions and submitters, written from the vocabulary.

Every function draws from the ``random.Random`` it is given, in a fixed order: the same stream gives the same text.
"""

import random
import unicodedata

from initiatives import markup

from .vocabulary import (
    ACTIONS,
    ACTIVITIES,
    ACTORS,
    BENEFICIARIES,
    DESCRIPTION_SENTENCES,
    FINDINGS,
    FIRST_NAMES,
    GENERIC_FORMS,
    GLOBAL_FORMS,
    HEADINGS,
    HONORIFIC_WEIGHTS,
    HONORIFICS,
    LAST_NAMES,
    ORDINALS,
    RESULTS,
    STOP_WORDS,
    SUMMARY_OPENING_WITH_YEAR,
    SUMMARY_OPENINGS,
    SUMMARY_SENTENCES,
    TITLE_FORMS,
    VERBS,
    WHOM,
)


def acronym(words: str) -> str:
    """Initials of the significant capitalised words: "Global Fund for Decent Work" → "GFDW"."""
    letters = [
        word[0].upper()
        for word in words.replace("-", " ").replace("(", " ").replace(")", " ").split()
        if word and word[0].isalpha() and word.lower() not in STOP_WORDS and word[0].isupper()
    ]
    return unicodedata.normalize("NFKD", "".join(letters)).encode("ascii", "ignore").decode()


def ascii_only(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def title(
    rng: random.Random, *, category_slug: str, topic: str, topic2: str, place: str, pair: str, countries: int
) -> str:
    """A title in one of the category's forms; ``place`` is empty for a global initiative, ``pair`` names exactly
    two countries (else it is empty), ``countries`` is how many countries it names."""
    if not place:
        forms = GLOBAL_FORMS
    else:
        single = countries == 1
        forms = (
            tuple(
                form.removeprefix("N|").removeprefix("R|")
                for form in TITLE_FORMS.get(category_slug, GENERIC_FORMS)
                if (pair or "{pair}" not in form)
                and (single or not form.startswith("N|"))
                and (not single or not form.startswith("R|"))
            )
            or GENERIC_FORMS[:1]
        )
        if pair and rng.random() < 0.3:
            forms = ("{action} {topic} between {pair}", "{topic} Partnership between {pair}")
    return rng.choice(forms).format(
        action=rng.choice(ACTIONS),
        topic=topic,
        topic_lower=topic[0].lower() + topic[1:] if not topic[:2].isupper() else topic,
        topic2=topic2,
        place=place,
        pair=pair,
        whom=rng.choice(WHOM),
        ordinal=rng.choice(ORDINALS),
    )[:300]


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


def summary(rng: random.Random, ctx: dict) -> str:
    openings = list(SUMMARY_OPENINGS)
    if ctx["start_year"]:
        openings.append(SUMMARY_OPENING_WITH_YEAR)
    following = SUMMARY_SENTENCES
    count = rng.choices((1, 2, 3, 4), (20, 35, 30, 15))[0]
    parts = [rng.choice(openings)] + rng.sample(following, count - 1)
    return " ".join(_fill(rng, part, ctx) for part in parts)


def _fill(rng: random.Random, template: str, ctx: dict) -> str:
    """Fill one sentence template, drawing only the random values it uses."""
    values = {
        "subject": ctx["subject"],
        "subject_lower": ctx["subject_lower"],
        "where": ctx["where"],
        "org": ctx["org"],
        "topic2_lower": ctx["topic2_lower"],
        "start_year": ctx["start_year"],
    }
    if "{verb}" in template:
        values["verb"] = rng.choice(VERBS)
    if "{actors" in template:
        values["actors"], values["actors2"] = rng.sample(ACTORS, 2)
    if "{aim" in template:
        values["aim"], values["aim2"] = rng.sample(ctx["aims"], 2)
    if "{beneficiaries}" in template:
        values["beneficiaries"] = rng.choice(BENEFICIARIES)
    if "{activity" in template:
        values["activity"], values["activity2"], values["activity3"] = rng.sample(ACTIVITIES, 3)
    if "{finding}" in template:
        values["finding"] = rng.choice(FINDINGS)
    if "{number}" in template:
        values["number"] = f"{rng.randrange(200, 50_000, 50):,}"
    return _sentence(template.format(**values))


def description(rng: random.Random, ctx: dict) -> str:
    """Markdown: nothing, a paragraph, or several sections with lists."""
    size = rng.choices((0, 1, 2, 3, 4, 5, 6), (15, 25, 15, 15, 12, 10, 8))[0]
    if not size:
        return ""
    paragraph_sentences = DESCRIPTION_SENTENCES

    def paragraph() -> str:
        return " ".join(_fill(rng, s, ctx) for s in rng.sample(paragraph_sentences, rng.randint(2, 5)))

    blocks = [paragraph()]
    sections = rng.sample(("objectives", "activities", "results", "lessons", "partners"), min(size - 1, 5))
    for section in sections:
        heading = f"## {rng.choice(HEADINGS[section])}"
        if section == "objectives":
            items = rng.sample(ctx["aims"], min(len(ctx["aims"]), rng.randint(2, 4)))
            body = "\n".join(f"- {_sentence(item)}" for item in items)
        elif section == "activities":
            body = "\n".join(f"- {_sentence(item)}" for item in rng.sample(ACTIVITIES, rng.randint(3, 6)))
        elif section == "results":
            items = rng.sample(RESULTS, rng.randint(2, 4))
            body = "\n".join(
                f"{i}. "
                + _sentence(
                    item.format(
                        n=f"{rng.randrange(50, 20_000, 10):,}",
                        k=rng.randint(2, 40),
                        beneficiaries=rng.choice(BENEFICIARIES),
                    )
                )
                for i, item in enumerate(items, start=1)
            )
        elif section == "partners":
            first, second = rng.sample(ACTORS, 2)
            body = f"The {ctx['noun']} is run by **{ctx['org']}** with {first} and {second}."
        else:
            body = paragraph()
            if rng.random() < 0.3:
                body += f"\n\n> {_sentence(rng.choice(FINDINGS))}."
        blocks.append(f"{heading}\n\n{body}")
    return "\n\n".join(blocks)


def submitter(rng: random.Random, organisation_name: str) -> tuple[str, str, str, str]:
    if rng.random() < 0.15:
        return "", "", "", ""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    honorific = rng.choices(HONORIFICS, HONORIFIC_WEIGHTS)[0]
    local = ascii_only(f"{first}.{last}").lower().replace(" ", "").replace("'", "")
    email = f"{local}@example.org" if rng.random() < 0.85 else ""
    organisation = organisation_name if rng.random() < 0.8 else ""
    return honorific, f"{first} {last}", organisation, email


# What the generator's own Markdown may hold for ``description_html`` to write its HTML directly: any other character
# (emphasis, links, code, raw HTML, entities, escapes, tables, non-breaking spaces) sends the whole text to the
# portal's renderer.
_PLAIN_INLINE = frozenset("*_`[]<>&\\!|~#\xa0\t\r")


def description_html(text: str) -> str:
    """The HTML ``initiatives.markup.render`` makes of a ``description``, written directly for the shapes
    ``description`` writes (paragraphs, "## " headings, "- " and "1. " lists, a "> " quote, ``**bold**``), in a
    tenth of the renderer's time (which was 60 % of building an initiative); any other text goes to the renderer.
    tests/bench/test_generator.py checks that both give the same HTML over a thousand generated descriptions."""
    if not text:
        return markup.render(text)
    html = []
    for block in text.split("\n\n"):
        if block.startswith("## "):
            inline = _inline(block[3:])
            if inline is None or "\n" in block:
                return markup.render(text)
            html.append(f"<h2>{inline}</h2>\n")
        elif block.startswith("> "):
            inline = _inline(block[2:])
            if inline is None or "\n" in block:
                return markup.render(text)
            html.append(f"<blockquote>\n<p>{inline}</p>\n</blockquote>\n")
        elif block.startswith("- ") or block.startswith("1. "):
            ordered = block.startswith("1. ")
            items = []
            for number, line in enumerate(block.split("\n"), start=1):
                marker = f"{number}. " if ordered else "- "
                inline = _inline(line[len(marker) :]) if line.startswith(marker) else None
                if not inline:
                    return markup.render(text)
                items.append(f"<li>{inline}</li>\n")
            tag = "ol" if ordered else "ul"
            html.append(f"<{tag}>\n{''.join(items)}</{tag}>\n")
        else:
            inline = _inline(block)
            if inline is None or "\n" in block or not block[0].isalpha():
                return markup.render(text)
            html.append(f"<p>{inline}</p>\n")
    return "".join(html)


def _inline(text: str) -> str | None:
    """One line's HTML: plain text with ``**bold**`` spans, or None for anything else."""
    parts = text.split("**")
    if len(parts) % 2 == 0 or text != text.strip():
        return None
    html = []
    for index, part in enumerate(parts):
        if _PLAIN_INLINE.intersection(part) or "  " in part:
            return None
        if index % 2:  # inside **…**: CommonMark's flanking rules want no space inside either end
            if not part or part[0].isspace() or part[-1].isspace():
                return None
            html.append(f"<strong>{part}</strong>")
        else:
            html.append(part)
    return "".join(html)
