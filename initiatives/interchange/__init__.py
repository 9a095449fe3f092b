"""Import and export of initiatives: one format, two encodings (CSV and JSON).

A *record* is one initiative as the JSON encoding writes it: a dict with the keys of ``COLUMNS``, in that
order; taxonomy terms by slug (countries by ISO alpha-2 code), lists as lists, organisations as
``{"slug", "role", "note"}`` objects, links as ``{"title", "url", "kind"}`` objects, dates as ``YYYY-MM-DD``,
``published_at`` as ISO 8601 with its offset. The CSV encoding writes the same record as one row, a cell per
column (see ``encode_cell``/``decode_cell``):

- lists: values separated by `` | ``; in a value a backslash is written ``\\\\``, a vertical bar ``\\|``,
  a line break ``\\n`` (and a carriage return ``\\r``);
- organisations: ``slug:role`` or ``slug:role:note`` (the role defaults to implementer), separated by `` | ``;
- links: one per line, ``kind url title`` (the kind may be left out: a document); in a title a backslash is
  ``\\\\`` and a line break ``\\n``;
- booleans ``true``/``false``; empty cells are empty text, no date, an empty list, false or 0;
- a cell a spreadsheet would execute (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return,
  possibly after apostrophes) gets a leading apostrophe; reading takes exactly that apostrophe off again.

Both encodings are decoded to records, which ``clean_record`` turns into Python values; an import compares
those with the same values computed from the database (through the export), so a row that would change
nothing writes nothing.
"""
