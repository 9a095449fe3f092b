"""Widgets' attributes written by ``{% widget_attrs %}`` (``portal/templatetags/form_widgets.py``), which the
project's ``django/forms/widgets/attrs.html`` calls instead of Django's template loop: the same bytes, cheaper."""

from pathlib import Path

import django
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting
from django.template import Context, Engine, engines
from django.utils.functional import lazy
from django.utils.safestring import SafeData, mark_safe
from hypothesis import given
from hypothesis import strategies as st

DJANGO_FORMS_TEMPLATES = Path(django.__file__).parent / "forms" / "templates"
ATTRS = "django/forms/widgets/attrs.html"


def django_attrs(attrs, autoescape=True):
    """What Django's own template writes."""
    engine = Engine(dirs=[DJANGO_FORMS_TEMPLATES], autoescape=autoescape)
    return engine.get_template(ATTRS).render(Context({"widget": {"attrs": attrs}}, autoescape=autoescape))


def project_attrs(attrs, autoescape=True):
    """What the project's template (the one the form renderer finds first) writes."""
    template = engines["django"].engine.get_template(ATTRS)
    return template.render(Context({"widget": {"attrs": attrs}}, autoescape=autoescape))


class Labelled:
    def __str__(self):
        return 'a "label" & <b>'


class SafeLabel(SafeData):
    """Safe, but not a string: ``stringformat`` (``is_safe``) keeps it unescaped."""

    def __str__(self):
        return "<b>bold</b>"


CASES = {
    "nothing": {},
    "booleans": {"required": True, "disabled": False, "hidden": True},
    "none and empty": {"value": None, "placeholder": ""},
    "numbers": {"maxlength": 500, "rows": 0, "step": 0.5, "min": -3},
    "escaped": {"title": 'He said "go" & <left>', "data-x": "'quoted'"},
    "safe value kept": {"title": mark_safe("<b>&amp;</b>")},
    "escaped name": {'data-"odd"': "x", mark_safe("data-<safe>"): "y"},
    "lazy text": {"placeholder": lazy(lambda: "e.g. <Ana>", str)()},
    "objects": {
        "data-tuple": (1, 2),
        "data-list": ["a", "<b>"],
        "data-dict": {"k": "v"},
        "data-obj": Labelled(),
        "data-safe": SafeLabel(),
    },
    "callable": {"data-called": lambda: "called <x>", "data-false": lambda: False},
    "unicode": {"placeholder": "Ejemplo: ñandú — مثال", "dir": "rtl"},
}


@pytest.mark.parametrize("autoescape", [True, False], ids=["autoescape", "autoescape-off"])
@pytest.mark.parametrize("attrs", CASES.values(), ids=CASES.keys())
def test_same_bytes_as_djangos_template(attrs, autoescape):
    assert project_attrs(attrs, autoescape) == django_attrs(attrs, autoescape)


def test_the_projects_template_is_the_one_used():
    """The form renderer (TemplatesSetting) finds templates/django/forms/widgets/attrs.html before Django's."""
    assert "widget_attrs" in Path(engines["django"].engine.get_template(ATTRS).origin.name).read_text()


VALUES = st.one_of(
    st.booleans(),
    st.none(),
    st.integers(),
    st.text(max_size=20),
    st.text(max_size=20).map(mark_safe),
    st.tuples(st.integers(), st.text(max_size=5)),
)


@given(st.dictionaries(st.text(min_size=1, max_size=10), VALUES, max_size=6))
def test_same_bytes_for_any_attributes(attrs):
    assert project_attrs(attrs) == django_attrs(attrs)


WIDGETS = [
    forms.TextInput(attrs={"placeholder": 'Say "hi"', "required": True, "autofocus": False}),
    forms.Textarea(attrs={"rows": 3, "aria-describedby": "id_x_helptext"}),
    forms.CheckboxInput(),
    forms.Select(choices=[("a", "A & <b>"), ("b", "B")], attrs={"class": "x"}),
    forms.SelectMultiple(choices=[("a", "A"), ("b", "B")]),
    forms.CheckboxSelectMultiple(choices=[("a", "A"), ("b", "B")], attrs={"id": "id_c"}),
    forms.RadioSelect(choices=[("a", "A"), ("b", "B")]),
    forms.ClearableFileInput(),
    forms.DateInput(attrs={"type": "date"}),
]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("value", [None, "a", 'x"<y>'])
def test_widgets_render_as_with_djangos_templates(widget, value):
    attrs = {"id": "id_field", "data-v": value}
    ours = widget.render("field", value, attrs=attrs, renderer=TemplatesSetting())
    theirs = widget.render("field", value, attrs=attrs, renderer=DjangoTemplates())
    assert ours == theirs
