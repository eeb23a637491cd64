"""Form rendering: every `{{ form }}` gets labels, help text, errors and the required marker.

Set `FORM_RENDERER = "portal.forms.SesameFormRenderer"`. Our form and field templates live in
templates/components/; Django's own widget templates (django/forms/widgets/*.html) stay where
Django ships them, so "django.forms" need not be in INSTALLED_APPS.
"""

from functools import cached_property

from django.forms.renderers import DjangoTemplates, TemplatesSetting
from django.template import TemplateDoesNotExist


class SesameFormRenderer(TemplatesSetting):
    """Project templates first (components/, overrides under templates/django/forms/),
    then Django's built-in form templates."""

    form_template_name = "components/form.html"
    field_template_name = "components/field.html"

    @cached_property
    def _builtin(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._builtin.get_template(template_name)
