"""The collection's one announcement to the apps that consume it.

``initiative_published`` is sent once, after the transaction that published an initiative has
committed (from services.publish_initiative). Subscriptions listen to it; nothing else should.
"""

from django.dispatch import Signal

# Sent with: initiative (the published Initiative), first_time (bool: newly published, not re-published).
initiative_published = Signal()

# Sent after a change to the collection has committed, with: keys (a frozenset of str: the surrogate keys of the
# pages the change makes stale, "collection" for all of them). The HTTP caches in front listen (portal/cdn.py).
collection_changed = Signal()
