"""Hostile text typed by submitters and moderators never runs in anyone's browser.

A battery of payloads (script tags, event handlers, javascript: links, SVG and MathML, broken markup, Markdown
tricks, entities, template syntax) goes into every field a person types: each field of a submission, the
submitter's name and organisation on their account, the moderator's name, note and messages. The submission goes
through the whole loop (submitted, reviewed, sent back, resubmitted, approved) and every page that shows the text
is opened in headless Chromium with the Content Security Policy enforced: the moderation queue and review page,
the submitter's pages, the published initiative, the listing, a search, the pages of the tags and organisation the
submission created, the feeds (the page about the feed that a browser gets), and the admin's change and history pages.

On every page: no dialog opens, no payload's marker (``window.__xss``) is set, and no ``securitypolicyviolation``
fires. The last one matters: a payload the policy blocked was still injected; only escaping leaves no violation.
"""

import itertools
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from submissions import services
from submissions.models import Submission
from tests.accounts.factories import make_account

# Every payload, if it ever ran, would set window.__xss or open a dialog.
PAYLOADS = {
    "script": "<script>window.__xss=1</script>",
    "script-alert": "<script>alert(1)</script>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "svg-onload": "<svg onload=alert(1)>",
    "svg-script": "<svg><script>window.__xss=1</script></svg>",
    "attribute-breakout": '"><img src=x onerror=alert(1)>',
    "single-quote-breakout": "'><svg/onload=alert(1)>",
    "unquoted-attribute": "x onfocus=alert(1) autofocus x",
    "autofocus": "<input autofocus onfocus=alert(1)>",
    "details-toggle": "<details open ontoggle=alert(1)>",
    "broken-markup": '<a href="x',
    "unclosed-comment": "<!--",
    "textarea-breakout": "</textarea><script>alert(1)</script>",
    "title-breakout": "</title><script>alert(1)</script>",
    "javascript-link": '<a href="javascript:alert(1)">x</a>',
    "markdown-link": "[x](javascript:alert(1))",
    "markdown-link-case": "[x](JaVaScRiPt:alert(1))",
    "markdown-image": '![x](x" onerror="alert(1))',
    "markdown-autolink": "<javascript:alert(1)>",
    "markdown-entity-link": "[x](&#106;avascript:alert(1))",
    "markdown-reference": "[x][evil]\n\n[evil]: javascript:alert(1)",
    "markdown-html": "<div onmouseover=alert(1)>x</div>",
    "entity-javascript": "&#x6A;avascript:alert(1)",
    "iframe-srcdoc": '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    "math": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "style": "<style>@import 'x';</style><img src=x onerror=alert(1)>",
    "noscript": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "form-action": '<form action="javascript:alert(1)"><button autofocus>x</button></form>',
    "cdata": "]]><script>alert(1)</script><![CDATA[",
    "xsl": '<xsl:value-of select="\'&lt;script&gt;alert(1)&lt;/script&gt;\'" disable-output-escaping="yes"/>',
    "template": "{{ request.user.password }}{% debug %}",
}
TITLE = "Xss pilot"
# Feeds no longer use XSLT (issue 14), so no banner of Chromium's own (whose inline styles the policy refused) is
# left out any more: every violation counts.
MARK_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  const path = event.composedPath().map((node) => node.localName || node.nodeName);
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample} in ${path.join(' < ')}`);
}, true);
"""


def _cycle(width: int):
    """Payloads for a field of at most ``width`` characters: as many as fit, a different set for each field."""
    values = list(PAYLOADS.values())
    start = itertools.count(0, 3)

    def pick():
        first = next(start) % len(values)
        chosen, length = [], 0
        for value in values[first:] + values[:first]:
            if length + len(value) + 1 > width:
                break
            chosen.append(value)
            length += len(value) + 1
        return " ".join(chosen) or values[first][:width]

    return pick


def hostile_proposal() -> dict:
    """A proposal with the payloads in every field typed by hand (long fields carry all of them)."""
    everything = "\n\n".join(PAYLOADS.values())
    short = _cycle(250)
    tags = [value for value in PAYLOADS.values() if not {",", "\""} & set(value) and len(value) <= 100 and any(
        character.isalnum() for character in value)][:14]  # fmt: skip
    return {
        "title": f"{TITLE} {short()}"[:300],
        "acronym": PAYLOADS["svg-onload"],
        "summary": f"Summary {everything}"[:2000],
        "description": f"## Results {PAYLOADS['script']}\n\n{everything}",
        "category": "programmes-and-projects",
        "themes": ["regular-pathways"],
        "regions": ["northern-africa"],
        "countries": ["ma"],
        "scope": "national",
        "other_organisations": "\n".join(value.replace("\n", " ")[:255] for value in list(PAYLOADS.values())[:20]),
        "start": "2021",
        "ongoing": "on",
        "website": 'https://example.org/"onmouseover="alert(1)',
        "links": "\n".join(
            [
                "https://example.org/report " + short(),
                "https://example.org/'onclick='alert(1) " + short(),
                "https://example.org/?q=<script>alert(1)</script> Query",
            ]
        ),
        "tags": ", ".join(["xss tag", *tags]),
        "submitter_honorific": "Ms.",
        "submitter_name": short()[:200],
        "submitter_organisation": short()[:255],
        "submitter_email": "ana@example.org",
        "note_to_moderators": f"Note {everything}",
        "duplicate_explanation": f"Different {everything}",
        "consent": "on",
        "action": "submit",
    }


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _browser_as(browser, base, user):
    """A browser context with the Content Security Policy enforced, logged in as ``user`` (or no one)."""
    context = browser.new_context(bypass_csp=False)
    context.add_init_script(MARK_VIOLATIONS)
    if user is not None:
        session = _logged_in(user).cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
    return context


class Watcher:
    """Opens pages in one tab and records, for each, dialogs, console CSP reports and what the payloads set."""

    def __init__(self, context, base):
        self.page = context.new_page()
        self.base = base
        self.problems = []
        self.current = ""
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.problems.append(f"{self.current}: a {dialog.type} opened: {dialog.message!r}")
        dialog.dismiss()

    def visit(self, path: str, *, expect_text: str | None = None):
        self.current = path
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        self.page.wait_for_load_state("load")
        self.page.mouse.move(5, 5)  # hover whatever is on top, in case a handler made it in
        self.page.mouse.move(400, 300)
        self.page.wait_for_timeout(50)
        ran = self.page.evaluate("() => window.__xss")
        if ran is not None:
            self.problems.append(f"{path}: a payload ran (window.__xss = {ran!r})")
        violations = self.page.evaluate("() => window.__violations")
        if violations is None:
            self.problems.append(f"{path}: the violation listener is not on this page")
        self.problems += [f"{path}: CSP violation {violation}" for violation in violations or []]
        if expect_text is not None:
            text = self.page.locator("body").inner_text()
            if expect_text not in text:
                self.problems.append(f"{path}: {expect_text!r} is not shown as text")


def test_payloads_in_every_field_never_run_on_any_page(browser, seeded_live_server):
    base = seeded_live_server.url
    author = make_account(email="ana@example.org", name="Ana")
    moderator = make_account(email="mona@example.org", name="Mona")
    moderator.groups.add(services.ensure_moderators_group())
    superuser = get_user_model().objects.create_superuser("root@example.org", "root@example.org", "x-long-pass-9")
    short = _cycle(140)

    # The submitter's name and organisation on their account, the moderator's name.
    ana = _logged_in(author)
    response = ana.post("/en/accounts/", {"name": short(), "honorific": "Ms.", "organisation": short()})
    assert response.status_code == 302, response.context and response.context["form"].errors
    mona = _logged_in(moderator)
    assert mona.post("/en/accounts/", {"name": short(), "honorific": "", "organisation": short()}).status_code == 302

    proposal = hostile_proposal()
    response = ana.post("/en/submit/", proposal)
    assert response.status_code == 302, response.context and response.context["form"].errors
    submission = Submission.objects.get(author=author)
    assert submission.state == Submission.State.SUBMITTED

    contexts = {
        who: _browser_as(browser, base, user)
        for who, user in (("ana", author), ("mona", moderator), ("root", superuser), ("visitor", None))
    }
    try:
        watch = {who: Watcher(context, base) for who, context in contexts.items()}

        # The moderator opens the queue and the review page, notes, claims, asks for changes.
        watch["mona"].visit("/en/moderation/")
        watch["mona"].visit(f"/en/moderation/{submission.pk}/", expect_text=PAYLOADS["script"])
        assert mona.post(f"/en/moderation/{submission.pk}/note/", {"text": "Note " + "\n".join(PAYLOADS.values())})
        mona.post(f"/en/moderation/{submission.pk}/claim/")
        mona.post(
            f"/en/moderation/{submission.pk}/request_changes/", {"message": "Please " + "\n".join(PAYLOADS.values())}
        )
        submission.refresh_from_db()
        assert submission.state == Submission.State.CHANGES_REQUESTED

        # The submitter reads the message, opens the form again (every field shown back), resubmits.
        for path in ("/en/submissions/", f"/en/submissions/{submission.pk}/", f"/en/submissions/{submission.pk}/edit/"):
            watch["ana"].visit(path)
        watch["ana"].visit("/en/accounts/")
        ana.post(f"/en/submissions/{submission.pk}/submit/")

        # The moderator reviews again and approves, with a message.
        watch["mona"].visit("/en/moderation/?state=all")
        watch["mona"].visit(f"/en/moderation/{submission.pk}/")
        mona.post(f"/en/moderation/{submission.pk}/approve/", {"message": "Welcome " + "\n".join(PAYLOADS.values())})
        submission.refresh_from_db()
        assert submission.state == Submission.State.APPROVED, submission.state
        initiative = submission.initiative

        # Everyone's pages that show it.
        watch["ana"].visit("/en/submissions/")
        watch["ana"].visit(f"/en/submissions/{submission.pk}/")
        watch["ana"].visit(f"/en/submissions/{submission.pk}/preview/")
        watch["mona"].visit(f"/en/moderation/{submission.pk}/")
        detail = initiative.get_absolute_url()
        watch["visitor"].visit(detail, expect_text=PAYLOADS["template"])
        watch["visitor"].visit("/en/")
        watch["visitor"].visit("/en/initiatives/")
        watch["visitor"].visit("/en/initiatives/?q=" + quote("xss pilot"), expect_text=TITLE)
        watch["visitor"].visit("/en/initiatives/?sort=newest")
        terms = [reverse("initiatives:tag", kwargs={"slug": tag.slug}) for tag in initiative.tags.all()]
        terms += [involvement.organisation.get_absolute_url() for involvement in initiative.involvements.all()]
        assert len(terms) > 10, terms
        for path in terms:
            watch["visitor"].visit(path)
        for path in ("/en/tags/", "/en/organisations/", "/en/regions/northern-africa/", "/en/themes/regular-pathways/"):
            watch["visitor"].visit(path)
        for path in (
            "/en/initiatives/feed/",
            "/en/initiatives/feed/atom/",
            "/en/regions/northern-africa/feed/",
            f"{terms[0]}feed/",
            f"{terms[0]}feed/atom/",
        ):
            watch["visitor"].visit(path, expect_text=TITLE)
        admin = f"/admin/initiatives/initiative/{initiative.pk}/"
        for path in (
            f"{admin}change/",
            f"{admin}history/",
            "/admin/initiatives/initiative/",
            f"/admin/submissions/submission/{submission.pk}/change/",
            f"/admin/auth/user/{author.pk}/change/",
            "/admin/taggit/tag/",
            "/admin/initiatives/organisation/",
        ):
            watch["root"].visit(path)
        problems = [problem for watcher in watch.values() for problem in watcher.problems]
        assert not problems, "\n".join(problems)
    finally:
        for context in contexts.values():  # before the live server stops, or its threads outlive it
            context.close()


@pytest.mark.parametrize(
    "group", [("script", "img-onerror", "svg-onload"), ("markdown-link", "markdown-image", "markdown-autolink")]
)
def test_one_payload_group_alone_on_the_published_page(browser, seeded_live_server, group):
    """Payloads one group at a time, so that none hides another (an unclosed tag swallowing the next payload)."""
    author = make_account(email="ben@example.org", name="Ben")
    moderator = make_account(email="mona@example.org", name="Mona")
    moderator.groups.add(services.ensure_moderators_group())
    text = " ".join(PAYLOADS[name] for name in group)
    ana = _logged_in(author)
    response = ana.post(
        "/en/submit/",
        {**hostile_proposal(), "title": f"{TITLE} {text}", "summary": text, "description": text,
         "submitter_name": text[:200], "tags": "xss tag", "other_organisations": text[:255], "links": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.context and response.context["form"].errors
    submission = Submission.objects.get(author=author)
    initiative = services.approve(submission=submission, moderator=moderator)
    context = _browser_as(browser, seeded_live_server.url, None)
    try:
        watcher = Watcher(context, seeded_live_server.url)
        watcher.visit(initiative.get_absolute_url(), expect_text=text.splitlines()[0][:40])
        watcher.visit("/en/initiatives/")
        watcher.visit("/en/initiatives/feed/atom/")
        assert not watcher.problems, "\n".join(watcher.problems)
    finally:
        context.close()


def test_the_watcher_would_see_a_payload_that_got_through(browser, seeded_live_server):
    """The checks above are not vacuous: markup injected into a page is reported, blocked or not."""
    base = seeded_live_server.url
    enforced, bypassed = _browser_as(browser, base, None), browser.new_context(bypass_csp=True)
    try:
        watcher = Watcher(enforced, base)
        watcher.page.goto(base + "/en/")
        watcher.page.evaluate("() => document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=alert(1)>')")
        watcher.page.wait_for_timeout(200)
        assert any("script-src" in violation for violation in watcher.page.evaluate("() => window.__violations"))

        unguarded = Watcher(bypassed, base)
        unguarded.current = "/en/"
        unguarded.page.goto(base + "/en/")
        unguarded.page.evaluate(
            "() => document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"window.__xss=1;alert(1)\">')"
        )
        unguarded.page.wait_for_timeout(200)
        assert unguarded.page.evaluate("() => window.__xss") == 1
        assert any("alert" in problem for problem in unguarded.problems)
    finally:
        enforced.close()
        bypassed.close()


def test_payloads_in_addresses_are_not_reflected_into_running_code(browser, seeded_live_server):
    """What a stranger can put in a link: the search, the followed listing, the feeds' titles, an unknown page."""
    context = _browser_as(browser, seeded_live_server.url, None)
    try:
        watcher = Watcher(context, seeded_live_server.url)
        for name in ("script", "attribute-breakout", "svg-onload", "xsl", "cdata", "template"):
            payload = quote(PAYLOADS[name])
            for path in (
                f"/en/initiatives/?q={payload}",
                f"/en/initiatives/?q={payload}&theme=regular-pathways",
                f"/en/subscribe/?q={payload}",
                f"/en/initiatives/feed/?q={payload}",
                f"/en/initiatives/feed/atom/?q={payload}",
                f"/en/regions/europe/feed/?q={payload}",
            ):
                watcher.visit(path)
        watcher.current = "/en/initiatives/<script>"
        watcher.page.goto(seeded_live_server.url + "/en/initiatives/" + quote(PAYLOADS["script"]) + "/")
        assert watcher.page.evaluate("() => window.__xss") is None
        assert not watcher.problems, "\n".join(watcher.problems)
    finally:
        context.close()


def test_a_followed_search_with_payloads_is_harmless_on_the_subscription_pages(browser, seeded_live_server):
    """A subscription's label is made from the search followed: typed by whoever subscribes, shown on the pages
    that its signed links open and on its owner's account page."""
    from subscriptions import tokens
    from subscriptions.models import Subscription

    query = quote(" ".join(PAYLOADS[name] for name in ("script", "attribute-breakout", "svg-onload", "template")))
    owner = make_account(email="sub@example.org", name="Sub Scriber")
    response = _logged_in(owner).post(f"/en/subscribe/?q={query}", {"frequency": "weekly"})
    assert response.status_code == 302
    pending = Client().post(f"/en/subscribe/?q={query}", {"email": "stranger@example.org", "frequency": "daily"})
    assert pending.status_code == 302
    subscription = Subscription.objects.get(email="stranger@example.org")
    assert "<script>" in subscription.label, subscription.label
    pages = [
        tokens.confirm_url(subscription, frequency="daily").removeprefix(settings.SITE_URL),
        tokens.manage_path(subscription),
        tokens.unsubscribe_url(subscription).removeprefix(settings.SITE_URL),
    ]
    contexts = [_browser_as(browser, seeded_live_server.url, None), _browser_as(browser, seeded_live_server.url, owner)]
    try:
        watcher = Watcher(contexts[0], seeded_live_server.url)
        for path in pages:
            watcher.visit(path, expect_text=PAYLOADS["script"])
        owners = Watcher(contexts[1], seeded_live_server.url)
        owners.visit("/en/accounts/", expect_text=PAYLOADS["script"])
        owners.visit(f"/en/subscribe/?q={query}")
        assert not watcher.problems + owners.problems, "\n".join(watcher.problems + owners.problems)
    finally:
        for context in contexts:
            context.close()
