"""French elision where a name follows « de », « que », « le », « la »: « d'Élodie », « qu'Elise ».

Translations keep the preposition and the placeholder (« Droits de %(name)s »), so msgids and the
en/nl/de texts are unchanged; the rendered French sentence is then elided before a vowel. Only
French is touched (Dutch « de » is an article). Mute h is rare in names and left alone.
"""

import re

from django.utils import translation
from django.utils.safestring import SafeData, mark_safe

_VOWEL = "aeiouàâäéèêëîïôöùûüAEIOUÀÂÄÉÈÊËÎÏÔÖÙÛÜ"
# The word, its spaces, any HTML tags between (« de <strong>Élodie</strong> »), then a vowel, or a
# Y before a consonant (« d'Yves », but « de Yoann »).
_BEFORE_VOWEL = re.compile(
    rf"\b(de|De|DE|que|Que|QUE|le|Le|LE|la|La|LA)\s+((?:<[^>]*>)*)(?=[{_VOWEL}]|[Yy][^aeiouyAEIOUY])"
)


def _elided(match: re.Match) -> str:
    return match.group(1)[:-1] + "'" + match.group(2)


def elide(text: str) -> str:
    """The text with « de X » written « d'X » where X starts with a vowel, in French only."""
    if not (translation.get_language() or "").startswith("fr"):
        return text
    result = _BEFORE_VOWEL.sub(_elided, str(text))
    # Only an apostrophe was added to text already safe (our attributes are double-quoted).
    return mark_safe(result) if isinstance(text, SafeData) else result  # noqa: S308
