"""The collection's announcements to what consumes it.

``initiative_published`` is sent once, after the transaction that published an initiative has
committed (from services.publish_initiative). Subscriptions listen to it; nothing else should.

``collection_changed`` is sent after every change that commits, with the dependency keys it moved: caches outside
the process (a CDN, a reverse proxy) listen to it to purge what they keep.
"""

from django.dispatch import Signal

# Sent with: initiative (the published Initiative), first_time (bool: newly published, not re-published).
initiative_published = Signal()

# Sent with: keys (a frozenset of dependency keys, see initiatives/dependencies.py), after the transaction that
# changed what they name has committed (from counts.invalidate). Every cached value and every cacheable answer that
# depends on one of them is out of date: portal/cdn.py purges the answers a shared cache keeps by these keys (their
# Surrogate-Key header). "all" means everything.
collection_changed = Signal()
