"""Form widgets' attributes written in Python (issue 15).

Django writes each widget's HTML attributes with a template loop, ``django/forms/widgets/attrs.html``::

    {% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}{% if value is not True %}
    ="{{ value|stringformat:'s' }}"{% endif %}{% endif %}{% endfor %}

(one line in Django). It is most of the cost of rendering a widget: the submission form's 62 text areas spent
about 80 % of their time there. The project's ``templates/django/forms/widgets/attrs.html`` (found before Django's,
``FORM_RENDERER`` being ``TemplatesSetting``) calls ``{% widget_attrs widget.attrs %}`` instead, which writes the
same bytes: ``True`` the bare name, ``False`` nothing, anything else (``None`` included, as Django's template
does) ``name="value"`` with the value turned into text as ``stringformat:'s'`` does and escaped unless it is
already safe. ``tests/portal/test_form_widgets.py`` compares the two for every kind of value.
"""

from django import template
from django.template.defaultfilters import stringformat
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

register = template.Library()


def _resolved(value):
    # A template variable that is callable is called (Variable._resolve_lookup), unless it says not to.
    if callable(value) and not getattr(value, "do_not_call_in_templates", False):
        return value()
    return value


@register.simple_tag(takes_context=True)
def widget_attrs(context, attrs):
    escape = conditional_escape if context.autoescape else str
    parts = []
    for name, value in attrs.items():
        value = _resolved(value)
        if value is False:
            continue
        parts.append(f" {escape(name)}")
        if value is not True:
            text = stringformat(value, "s")
            if isinstance(value, SafeData):  # stringformat is is_safe: safe in, safe out
                text = mark_safe(text)
            parts.append(f'="{escape(text)}"')
    return mark_safe("".join(parts))
