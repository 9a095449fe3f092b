"""The admin's history pages need nothing the Content Security Policy refuses (the permission matrix checks every
other page it opens the same way: ``inline_markup``).

Found by tests/browser/test_xss_browser.py: django-simple-history's list of versions (every history page of the
curators' admin) carried ``style="border-top: 0"``, which Chromium reported as a violation of ``style-src 'self'``.
"""

import pytest
from django.contrib import admin

from .conftest import as_role, inline_markup

pytestmark = pytest.mark.django_db


def test_history_pages_have_no_inline_styles_or_scripts(world):
    problems = []
    with as_role(world, "superuser") as client:
        for model, model_admin in admin.site._registry.items():
            if not hasattr(model_admin, "history_form_view"):
                continue
            label = model._meta.label_lower
            page = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{world.objects[f'obj_{label}']}/history/"
            response = client.get(page)
            assert response.status_code == 200, page
            problems += [f"{page}: {markup}" for markup in inline_markup(response.content.decode())]
    assert not problems, "\n".join(problems)
