"""The admin's pages need nothing the Content Security Policy refuses: no style attribute, no inline script.

Found by tests/browser/test_xss_browser.py: django-simple-history's list of versions (every history page of the
curators' admin) carried ``style="border-top: 0"``, which Chromium reported as a violation of ``style-src 'self'``.
"""

import re

import pytest
from django.contrib import admin

from .conftest import as_role

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.IGNORECASE)


def _pages(world) -> list[str]:
    pages = ["/admin/", "/admin/password_change/"]
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        obj = world.objects[f"obj_{label}"]
        pages += [base, f"{base}{obj}/change/", f"{base}{obj}/history/"]
        if hasattr(model_admin, "history_form_view"):
            pages.append(f"{base}{obj}/history/{world.objects[f'version_{label}']}/")
    return pages


def test_admin_pages_have_no_inline_styles_or_scripts(world):
    problems = []
    with as_role(world, "superuser") as client:
        for page in _pages(world):
            response = client.get(page)
            assert response.status_code == 200, page
            html = response.content.decode()
            problems += [f"{page}: {match}" for match in re.findall(r"<[^>]*\sstyle=[^>]*>", html)]
            problems += [f"{page}: {match}" for match in INLINE_SCRIPT.findall(html)]
    assert not problems, "\n".join(problems)
