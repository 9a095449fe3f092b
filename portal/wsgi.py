"""The WSGI application (gunicorn ``portal.wsgi:application``), with what a server process does before its first
request: reading the facet bitmaps (``initiatives.facet_bitmaps.warm_up``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()

from initiatives import facet_bitmaps  # noqa: E402  (the apps are loaded by get_wsgi_application)

facet_bitmaps.warm_up()
