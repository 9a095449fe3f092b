"""Documents and images in a real browser (issue 13): a person proposes a practice with a PDF and a PNG, a moderator
publishes it, and its page shows the image (sized, with its text alternative) and the document."""

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from submissions.services import ensure_moderators_group
from tests import uploads as files
from tests.browser.axe import axe_violations, format_violations
from tests.browser.html_check import vnu_errors

PASSWORD = "Plover-Tandem-Gravel-42"
TITLE = "Illustrated Seasonal Work Scheme"


def assert_accessible(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}:\n{format_violations(violations)}"


def log_in(page, base, email):
    page.goto(base + "/en/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_submit_with_a_document_and_an_image_then_publish(browser, seeded_live_server, tmp_path):
    base = seeded_live_server.url
    users = get_user_model().objects
    users.create_user(username="ana@example.org", email="ana@example.org", password=PASSWORD, first_name="Ana")
    moderator = users.create_user(
        username="mona@example.org", email="mona@example.org", password=PASSWORD, first_name="Mona"
    )
    moderator.groups.add(ensure_moderators_group())
    pdf, png = tmp_path / "Evaluation report.pdf", tmp_path / "fair.png"
    pdf.write_bytes(files.PDF_BYTES)
    png.write_bytes(files.png_bytes(1600, 900, exif=True))

    contexts = [browser.new_context(bypass_csp=True) for _person in range(2)]
    try:
        ana, mona = (context.new_page() for context in contexts)
        _walk(base, ana, mona, pdf, png)
    finally:
        for context in contexts:
            context.close()


def _walk(base, ana, mona, pdf, png):
    log_in(ana, base, "ana@example.org")
    ana.goto(base + "/en/submit/")
    ana.get_by_label("Title (required)").fill(TITLE)
    ana.get_by_label("Summary (required)").fill("Seasonal workers matched with employers, their rights protected.")
    ana.get_by_label("Category (required)").select_option(label="Programmes and Projects")
    ana.get_by_label("Add a document").set_input_files(str(pdf))
    ana.get_by_label("Title of the document").fill("Evaluation report")
    ana.get_by_label("Add an image").set_input_files(str(png))
    ana.get_by_label("Text alternative of the image").fill("Workers queue at a job fair")
    ana.get_by_role("button", name="Save draft").click()
    expect(ana.get_by_text("Your draft was saved.")).to_be_visible()
    expect(ana.get_by_role("link", name="Evaluation-report.pdf")).to_be_visible()
    expect(ana.get_by_label("Title (required)")).to_have_value(TITLE)
    assert_accessible(ana, "proposal form with files")
    ana.get_by_label("I agree that this initiative is published under my name as given above.").check()
    ana.get_by_role("button", name="Submit for review").click()
    expect(ana.locator(".badge")).to_have_text("Submitted")

    log_in(mona, base, "mona@example.org")
    mona.goto(base + "/en/moderation/")
    mona.get_by_role("link", name=TITLE).click()
    expect(mona.get_by_role("img", name="Workers queue at a job fair")).to_be_visible()
    mona.get_by_role("button", name="Claim").click()
    mona.get_by_role("button", name="Approve").click()
    expect(mona.get_by_text(f"Approved and published: {TITLE}")).to_be_visible()

    visitor = ana  # the page is public now
    visitor.goto(base + "/en/initiatives/")
    card_image = visitor.locator("article.card").filter(has=visitor.get_by_role("link", name=TITLE)).locator("img")
    expect(card_image).to_have_attribute("alt", "Workers queue at a job fair")
    visitor.get_by_role("link", name=TITLE).first.click()
    image = visitor.get_by_role("img", name="Workers queue at a job fair")
    expect(image).to_be_visible()
    expect(image).to_have_attribute("width", "675")
    # it loaded (on a busy machine the page can be visible before its image has arrived: wait for it, bounded)
    visitor.wait_for_function("document.querySelector('.initiative-image img').complete", timeout=15_000)
    assert visitor.evaluate("document.querySelector('.initiative-image img').naturalWidth") == 675
    document = visitor.get_by_role("link", name="Evaluation report")
    expect(document).to_be_visible()
    expect(visitor.locator(".documents")).to_contain_text("PDF")
    assert_accessible(visitor, "detail page with files")
    assert vnu_errors(visitor.request.get(visitor.url).text()) == []  # the page as served (axe adds a script)
    with visitor.expect_download() as download:
        document.click()
    assert download.value.suggested_filename == "Evaluation-report.pdf"
