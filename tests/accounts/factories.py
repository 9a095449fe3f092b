"""Accounts for tests, made through the same services as sign-up, and the links read back from e-mails."""

import re
from urllib.parse import urlsplit

from django.conf import settings

from accounts import services

PASSWORD = "Plover-Tandem-Gravel-42"


def make_account(
    *,
    email: str = "ana.diaz@example.org",
    name: str = "Ana Díaz",
    password: str = PASSWORD,
    honorific: str = "Ms.",
    organisation: str = "Migration Research Network",
    verified: bool = True,
):
    """An account as sign-up makes it; verified (active) unless ``verified=False``."""
    user = services.register_account(
        email=email, name=name, password=password, honorific=honorific, organisation=organisation
    )
    if verified:
        assert services.verify_email(user=user)
        user.refresh_from_db()
    return user


def sign_up_data(**overrides) -> dict:
    """What the sign-up form posts for a new person; ``overrides`` change or (as ``None``) drop fields."""
    data = {
        "name": "Ana Díaz",
        "honorific": "Ms.",
        "organisation": "Migration Research Network",
        "email": "ana.diaz@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def link_path(message, kind: str = "verify") -> str:
    """The path (and query) of the ``kind`` link ("verify", "password/reset") in an e-mail's plain-text body.

    The e-mail carries the site's public address (``SITE_URL``); tests follow the link on their own server.
    """
    links = re.findall(rf"{re.escape(settings.SITE_URL)}(/en/accounts/{kind}/\S+)", message.body)
    assert len(links) == 1, message.body
    parts = urlsplit(links[0])
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def follow_link(client, path: str):
    """Open a verification link and press the button on its page, as a person does (the GET alone changes nothing).

    Returns the page itself when the link does not work (it has no button), else the answer to the button.
    """
    page = client.get(path)
    if page.status_code != 200:
        return page
    return client.post(path, {"csrfmiddlewaretoken": page.context["csrf_token"]})
