"""Proposed initiatives and their moderation (built in the moderated-submissions issue)."""
