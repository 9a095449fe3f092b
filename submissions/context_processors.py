def moderation(request):
    """``is_moderator`` for the header (one query, and only for people who are logged in)."""
    from .services import is_moderator

    user = getattr(request, "user", None)
    return {"is_moderator": bool(user and user.is_authenticated and is_moderator(user))}
