"""French elision before a name, in templates: `{% load elision %}`, then
`{% filter elide %}{% blocktranslate %}Droits de {{ name }}{% endblocktranslate %}{% endfilter %}`
or `{{ sentence|elide }}` for a `blocktranslate asvar`."""

from django import template

from common.elision import elide as _elide

register = template.Library()


@register.filter(is_safe=True)
def elide(value):
    """« de Élodie » → « d'Élodie » in French; other languages unchanged."""
    return _elide(value)
