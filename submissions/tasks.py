"""Background work of the moderation workflow, run by the task worker (``manage.py db_worker``)."""

from django.tasks import task


@task()
def embed_submission(*, submission_id: int) -> str:
    """Issue 14: store the sentence embedding of a proposal's title and summary, if its text changed since the last
    one, for the look-alike warning moderators see (submissions/duplicates.py)."""
    from . import duplicates

    return duplicates.store_submission_vector(submission_id=submission_id)
