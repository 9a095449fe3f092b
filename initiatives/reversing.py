"""``reverse`` for the links a page names by the hundred (issue 15: the cold page's Python).

A listing's cards, the home page's map and the API's answers name the terms they show by their URLs: 500-700
calls of Django's ``reverse`` in one API page, 25 µs each (it matches each value against the pattern and quotes the
whole path every time), for a few thousand distinct links in all (every term of every taxonomy, in four languages).
Here each path is kept once made, per URLconf, script prefix and language, the most recently used
``KEPT_PATHS`` of them: the same path ``reverse`` gives, made once per process.
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.utils.translation import get_language

KEPT_PATHS = 32_768  # every term's site and API paths in four languages, and the initiatives of recent pages


def reverse(viewname: str, **kwargs) -> str:
    """``django.urls.reverse(viewname, kwargs=kwargs)``, kept (``NoReverseMatch`` is raised as it is, every time)."""
    return _path(get_urlconf(), get_script_prefix(), get_language(), viewname, tuple(sorted(kwargs.items())))


@lru_cache(maxsize=KEPT_PATHS)
def _path(urlconf, prefix: str, language: str | None, viewname: str, kwargs: tuple) -> str:
    return django_reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs))


@receiver(setting_changed)
def _forget(*, setting, **kwargs) -> None:
    """Another URLconf or other languages (the tests'): the paths are made again."""
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "FORCE_SCRIPT_NAME", "APPEND_SLASH"):
        _path.cache_clear()
