"""Sign up in a real browser, follow the link from the e-mail, be logged in; the account pages pass axe and vnu.

The live server runs in a thread of this process, so Django's locmem outbox (``mailoutbox``) is the one it sends to.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from playwright.sync_api import expect

from tests.browser.axe import axe_violations, format_violations
from tests.browser.html_check import vnu_errors_many

PASSWORD = "Plover-Tandem-Gravel-42"


def test_sign_up_verify_and_be_logged_in(page, seeded_live_server, mailoutbox):
    base = seeded_live_server.url
    page.goto(base + "/en/accounts/sign-up/")
    page.get_by_label("Full name").fill("Ana Díaz")
    page.get_by_label("Honorific (optional)").select_option("Ms.")
    page.get_by_label("Organisation (optional)").fill("Migration Research Network")
    page.get_by_label("E-mail address").fill("ana.diaz@example.org")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password confirmation").fill("short")
    page.get_by_role("button", name="Create my account").click()

    # A password that is too short: explained at the top and next to the field; the rest is kept.
    expect(page.get_by_role("alert")).to_contain_text("This password is too short.")
    expect(page.get_by_label("Full name")).to_have_value("Ana Díaz")
    expect(page.get_by_label("E-mail address")).to_have_value("ana.diaz@example.org")
    expect(page.get_by_label("Password confirmation")).to_have_attribute("aria-invalid", "true")
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    expect(page.get_by_text("ana.diaz@example.org")).to_be_visible()

    assert len(mailoutbox) == 1
    link = re.search(rf"{re.escape(settings.SITE_URL)}(/en/accounts/verify/\S+)", mailoutbox[0].body).group(1)
    page.goto(base + urlsplit(link).path)
    # Opening the link shows a button; pressing it verifies (and, in the browser that signed up, logs in).
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify your e-mail address")
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    page.get_by_role("button", name="Verify my e-mail address").click()
    expect(page.get_by_text("your e-mail address is verified and you are logged in")).to_be_visible()

    account_page = page.goto(base + "/en/accounts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_text("What you submit is credited as “Submitted by Ms. Ana Díaz”.")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    assert account_page is not None
    assert vnu_errors_many({"account": account_page.text()}) == {"account": []}

    # The link is used up.
    response = page.goto(base + urlsplit(link).path)
    assert response is not None and response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("This verification link does not work")


PAGES = {
    "sign-up": "/en/accounts/sign-up/",
    "login": "/en/accounts/login/",
    "resend": "/en/accounts/verify/resend/",
    "verify-sent": "/en/accounts/verify/sent/",
    "verify-invalid": "/en/accounts/verify/MQ/abc-def/",
    "password-reset": "/en/accounts/password/reset/",
    "password-reset-done": "/en/accounts/password/reset/sent/",
    "password-reset-confirm-invalid": "/en/accounts/password/reset/MQ/abc-def/",
    "password-reset-complete": "/en/accounts/password/reset/done/",
}


def test_account_pages_are_accessible_and_valid(page, seeded_live_server):
    base = seeded_live_server.url
    documents = {}
    for name, path in PAGES.items():
        response = page.goto(base + path)
        assert response is not None and response.status in (200, 400), (name, response.status)
        violations = axe_violations(page)
        assert violations == [], f"{name}:\n{format_violations(violations)}"
        documents[name] = response.text()

    # The log-in form with an error (the summary, aria-invalid, aria-describedby) is checked too.
    page.goto(base + "/en/accounts/login/")
    page.get_by_label("E-mail address").fill("nobody@example.org")
    page.get_by_label("Password").fill("wrong")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match an account")
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    documents["login with error"] = posted.value.text()

    errors = vnu_errors_many(documents)
    assert all(not messages for messages in errors.values()), errors
