"""The translation catalogues locale/<lang>/LC_MESSAGES/django.po: current, complete and well formed.

"Languages and translations" in README.md says how translators work; these tests are what `make test` (and so CI)
holds them to. They read the catalogues with polib and call GNU gettext (scripts/install-gettext installs it).
"""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings

# Runs GNU gettext in subprocesses, and does not depend on the database: once, in `make test-system`.
pytestmark = pytest.mark.system

ROOT = Path(settings.BASE_DIR)
SOURCE_LANGUAGE = "en"  # the msgids are English
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE]
SHOWN = 15  # how many msgids a failure lists

# What a catalogue's plural formula must give for some counts (the form's index), besides Django's own Plural-Forms.
PLURAL_INDEXES = {
    "ar": {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 101: 5, 102: 5, 103: 3, 111: 4},
    "fr": {0: 0, 1: 0, 2: 2, 1_000_000: 1},
    "es": {0: 2, 1: 0, 2: 2, 1_000_000: 1},
}
NPLURALS = {"ar": 6}


def catalogue_path(language):
    return ROOT / "locale" / language / "LC_MESSAGES" / "django.po"


def key(entry):
    """What identifies a message: its context, its singular and its plural."""
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def describe(keys):
    shown = [
        f"    {('[' + ctx + '] ') if ctx else ''}{msgid!r}{(' / ' + repr(plural)) if plural else ''}"
        for ctx, msgid, plural in sorted(keys)[:SHOWN]
    ]
    if len(keys) > SHOWN:
        shown.append(f"    ... and {len(keys) - SHOWN} more")
    return "\n".join(shown)


def makemessages_flags():
    """The flags of `make messages`, read from the Makefile so that the check extracts exactly as translators do."""
    match = re.search(r"^MAKEMESSAGES_FLAGS\s*:=\s*(.+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert match, "the Makefile defines MAKEMESSAGES_FLAGS (the flags of `make messages`)"
    return match.group(1).split()


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The messages of the current sources: one `makemessages` run in a copy of the project, keeping its .pot."""
    copy = tmp_path_factory.mktemp("sources") / "portal"
    shutil.copytree(
        ROOT,
        copy,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "node_modules", "var", "staticfiles", "__pycache__", ".*_cache", "*.mo", "tests", "bench"
        ),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", LANGUAGES[0], "--keep-pot", *makemessages_flags()],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    pot = polib.pofile(str(copy / "locale" / "django.pot"))
    return {key(entry) for entry in pot if not entry.obsolete}


def test_every_language_but_english_has_a_catalogue_and_no_other_does():
    present = sorted(path.parent.parent.name for path in (ROOT / "locale").glob("*/LC_MESSAGES/django.po"))
    assert present == sorted(LANGUAGES), (
        f"settings.LANGUAGES has catalogues to translate for {sorted(LANGUAGES)}, locale/ has {present}: "
        "run `make messages` after changing LANGUAGES"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_holds_exactly_the_messages_of_the_sources(language, extracted):
    committed = {key(entry) for entry in polib.pofile(str(catalogue_path(language))) if not entry.obsolete}
    missing, stale = extracted - committed, committed - extracted
    problems = []
    if missing:
        problems.append(
            f"{len(missing)} message(s) of the sources are missing from the catalogue:\n{describe(missing)}"
        )
    if stale:
        problems.append(f"{len(stale)} message(s) of the catalogue are no longer in the sources:\n{describe(stale)}")
    assert not problems, (
        f"locale/{language}/LC_MESSAGES/django.po is out of date with the sources; run `make messages`, "
        "then translate what it adds:\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    catalogue = polib.pofile(str(catalogue_path(language)))
    entries = [entry for entry in catalogue if not entry.obsolete]
    untranslated = {key(entry) for entry in catalogue.untranslated_entries()}
    fuzzy = {key(entry) for entry in catalogue.fuzzy_entries()}
    problems = []
    if untranslated:
        problems.append(
            f"{len(untranslated)} of {len(entries)} messages untranslated, for example:\n{describe(untranslated)}"
        )
    if fuzzy:
        problems.append(
            f"{len(fuzzy)} of {len(entries)} messages fuzzy (check the translation, then remove "
            f"the 'fuzzy' flag):\n{describe(fuzzy)}"
        )
    if catalogue.metadata_is_fuzzy:
        problems.append("the header is marked fuzzy (fill in Language-Team and Last-Translator, remove '#, fuzzy')")
    assert not problems, f"locale/{language}/LC_MESSAGES/django.po is not complete:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_msgfmt_accepts_the_catalogue_and_its_placeholders(language):
    # --check: the header is well formed, plural forms match the header and every python-format / python-brace-format
    # msgstr has the same placeholders as its msgid (a missing %(name)s would raise or show wrong text at run time).
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(catalogue_path(language))], capture_output=True, text=True
    )
    errors = [line for line in result.stderr.splitlines() if "warning:" not in line]
    assert result.returncode == 0 and not errors, f"msgfmt --check rejects the {language} catalogue:\n{result.stderr}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_are_the_languages_own(language):
    catalogue = polib.pofile(str(catalogue_path(language)))
    header = catalogue.metadata.get("Plural-Forms", "")
    match = re.fullmatch(r"\s*nplurals=(\d+);\s*plural=(.+?);?\s*", header)
    assert match, f"{language}: no valid Plural-Forms header ({header!r})"
    nplurals, formula = int(match.group(1)), match.group(2)

    # Django merges its own catalogues with ours: the same formula keeps both plural tables in step.
    own = polib.pofile(str(Path(django.__file__).parent / "conf" / "locale" / language / "LC_MESSAGES" / "django.po"))
    assert header.replace(" ", "") == own.metadata["Plural-Forms"].replace(" ", ""), (
        f"{language}: Plural-Forms {header!r} differs from Django's own {own.metadata['Plural-Forms']!r}"
    )
    if language in NPLURALS:
        assert nplurals == NPLURALS[language], f"{language}: {nplurals} plural forms, expected {NPLURALS[language]}"
    plural = gettext.c2py(formula)
    for count, index in PLURAL_INDEXES.get(language, {}).items():
        assert plural(count) == index, f"{language}: {count} takes form {plural(count)}, expected {index}"

    # An untranslated message is reported by the completeness test; one with a translation needs every form.
    wrong = {
        key(entry)
        for entry in catalogue
        if entry.msgid_plural
        and not entry.obsolete
        and any(entry.msgstr_plural.values())
        and sorted(entry.msgstr_plural) != list(range(nplurals))
    }
    assert not wrong, (
        f"{language}: {len(wrong)} plural message(s) translated without exactly {nplurals} forms "
        f"(msgstr[0] to msgstr[{nplurals - 1}]):\n{describe(wrong)}"
    )
