"""Where long words may wrap: an e-mail address breaks after its « @ », never inside a word."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def address_wrap(value):
    """`local@domain` as two unbreakable halves with a break opportunity after « @ »; any other
    text unchanged (escaped as usual)."""
    text = str(value)
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        return text
    return format_html(
        '<span class="nowrap">{}@</span><wbr><span class="nowrap">{}</span>', local, domain
    )
