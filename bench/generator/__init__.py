"""Synthetic initiatives for benchmarks and load tests: benchmark tooling, not part of the portal.

``python -m bench.generator N --seed S`` adds the published initiatives ``synthetic-S-1`` … ``synthetic-S-N``
(see ``command``; the README's "Synthetic initiatives" says how to use it). Nothing in the portal imports this
package, and no setting names it: production never carries it.

- ``vocabulary.json`` / ``vocabulary``: the words (topics, title forms, sentences, names…), data apart from code.
- ``prose``: titles, summaries, descriptions and submitters written from those words.
- ``building``: the pure builder. Initiative ``n`` of seed ``S`` comes from its own ``random.Random("S:n")``, so it
  is the same on every run whatever else is built (only ``published_at`` and ``submitted_on`` are offsets from
  the moment of the run).
- ``loading``: writing in bulk (``COPY`` on PostgreSQL, ``bulk_create`` elsewhere) what the one write path would
  derive too, and ``generate``, idempotent: slugs that exist already are skipped.

The package imports nothing at import time, so that ``python -m bench.generator`` can configure Django first.
"""
