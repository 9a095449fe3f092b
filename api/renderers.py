"""JSON whose text can never be read as markup.

The API's errors repeat the parameters they refuse, and initiatives carry text people typed, so ``<``, ``>`` and
``&`` reach the JSON as they were given. A JSON reader gets the same strings either way, but a browser that ignored
the content type (or a page that pasted the JSON into HTML) would find a ``<script>`` in it. Written as ``\\u003c``,
``\\u003e`` and ``\\u0026`` (as Django's ``json_script`` does) they are plain text everywhere. Outside strings JSON
has none of these characters, so replacing them in the rendered bytes touches only the strings.
"""

from rest_framework.renderers import JSONRenderer

_ESCAPES = ((b"&", b"\\u0026"), (b"<", b"\\u003c"), (b">", b"\\u003e"))


class EscapedJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        rendered = super().render(data, accepted_media_type, renderer_context)
        for character, escape in _ESCAPES:
            rendered = rendered.replace(character, escape)
        return rendered
