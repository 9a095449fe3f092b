"""The collection's one announcement to the apps that consume it.

``initiative_published`` is sent once, after the transaction that published an initiative has
committed (from services.publish_initiative). Subscriptions listen to it; nothing else should.
"""

from django.dispatch import Signal

# Sent with: initiative (the published Initiative), first_time (bool: newly published, not re-published).
initiative_published = Signal()
