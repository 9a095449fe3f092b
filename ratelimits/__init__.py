"""Counting attempts per address, client or account in fixed windows, in one database table shared by every process.

A small app rather than django-ratelimit: its last release (4.1, 2023) refuses the caches this project runs (its
system check makes locmem and the database cache errors), and a cache is the wrong place for a limit anyway: a
per-process cache lets each server process count on its own, and the database cache's ``incr`` is a read then a
write that loses increments under concurrent requests. Here each attempt is one ``INSERT … ON CONFLICT DO UPDATE
SET count = count + 1 RETURNING count`` (PostgreSQL and SQLite 3.35+), atomic whichever process runs it.

The accounts and subscriptions apps define their limits with ``counters.Limit`` and call ``counters.hit`` (count
an attempt) or ``counters.exceeded`` (ask without counting).
"""
