"""Reactions to the collection's announcements (connected in apps.py)."""

import logging

logger = logging.getLogger(__name__)


def queue_immediate_alerts(sender, *, initiative, first_time, **kwargs):
    """Queue the immediate alerts of a newly published initiative (digests find it on their own).

    The signal is sent once the publication has committed, so the task is queued only for what really is
    published. A re-publication (``first_time`` False) queues nothing: its alerts went out the first time. Nor is
    anything queued while nobody has an active immediate subscription (loading the seed, say): one confirmed
    later starts after this publication, so nothing would be owed to it.
    """
    if not first_time:
        return
    from . import tasks
    from .models import Subscription

    following = Subscription.objects.filter(
        status=Subscription.Status.ACTIVE, frequency=Subscription.Frequency.IMMEDIATE
    )
    try:
        if following.exists():
            tasks.send_immediate_alerts.enqueue(initiative_id=initiative.pk)
    except Exception:  # the publication is committed: failing to queue its alerts must not fail the request
        logger.exception("Could not queue the immediate alerts of initiative %s", initiative.pk)
