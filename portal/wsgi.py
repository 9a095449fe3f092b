"""The WSGI application (gunicorn ``portal.wsgi:application``), with what a server process does before its first
request (``portal.startup.warm_up``: the facet bitmaps read, the templates compiled)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()

from portal import startup  # noqa: E402  (the apps are loaded by get_wsgi_application)

startup.warm_up()
