"""Every e-mail, rendered in every language with awkward names, reads cleanly.

The names start with a vowel (French elision) and carry `'` and `&` (HTML escaping): the text part
must show them as typed, keep the support footer, and the subject must be one line written once.
New functions in `notifications/emails.py` are picked up without editing this file.
"""

import html
import inspect
import itertools
import re
from pathlib import Path

import pytest
from django.conf import settings

from notifications import emails
from notifications.models import OutboundEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ("fr", "en", "nl", "de")
PERSON = "Élodie O'Brien & fils"
COMPANY = "Imprimerie L'Écrin & Cie"
ADDRESS = "elodie.obrien@example.com"
URL = "https://sesame.example/l/abc/?next=1&lang=fr"
FREE_TEXT = "Merci d'avance & à bientôt"
RIGHT_LINE = {
    "application": "e-Masspost",
    "permission": "Création",
    "where": "999009 · Atelier d'Anvers & Co",
    "name": PERSON,
    "company": COMPANY,
    "email": ADDRESS,
    "phone": "+32 2 201 11 11",
}
# Parameters that choose between variants of an e-mail: every value is rendered.
VARIANTS = {"reason": ["narrowed", "given_up", "ended", "withdrawn"]}
ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
# « de Élodie », « que Imprimerie », « le elodie… »: French elides these before a vowel.
MISSED_ELISION = re.compile(r"\b(de|que|le|la)\s+(?:<[^>]*>)*[AEIOUÉÈÊÀÂÎÔÛaeiouéèêàâîôû]")


def _value(name: str, annotation, language: str, user):
    if name == "user":
        return user
    if name == "language":
        return language
    if annotation is bool:
        return None  # set by the variants
    if annotation is int:
        return 3
    if name.endswith("lines") or annotation in (list[dict], list[str]):
        return [RIGHT_LINE] if annotation == list[dict] else ["e-Masspost · Création (999009)"]
    if name == "recipient" or name.endswith("email"):
        return ADDRESS
    if name == "url" or name.endswith("_url"):
        return URL
    if name == "account_number":
        return "999009"
    if name == "ends_on":
        return "31/01/2026"
    if name in ("remark", "message"):
        return FREE_TEXT
    if any(part in name for part in ("company", "customer", "router", "companies")):
        return COMPANY
    return PERSON


def _calls(function, language: str, user):
    """Every keyword set to call `function` with: one per combination of its variants."""
    signature = inspect.signature(function)
    base, choices = {}, {}
    for name, parameter in signature.parameters.items():
        if parameter.default is not inspect.Parameter.empty and name == "user":
            base[name] = user
            continue
        if parameter.annotation is bool:
            choices[name] = [True, False]
        elif name in VARIANTS:
            choices[name] = VARIANTS[name]
        else:
            base[name] = _value(name, parameter.annotation, language, user)
    for combination in itertools.product(*choices.values()):
        yield {**base, **dict(zip(choices, combination, strict=True))}


def _batch_item(function, language: str, user) -> dict:
    """The batch functions take items with the arguments of their one-at-a-time sister."""
    if function is emails.send_advanced_invitations:
        single = next(_calls(emails.send_advanced_invitation, language, user))
        return {"invitations": [single]}
    return {
        "links": [
            {
                "user": user,
                "display_name": PERSON,
                "company_name": COMPANY,
                "created_by": PERSON,
                "create_url": URL,
                "valid_hours": 24,
            }
        ]
    }


SEND_FUNCTIONS = [
    function
    for name, function in inspect.getmembers(emails, inspect.isfunction)
    if name.startswith("send_") and function.__module__ == emails.__name__
]


_serial = itertools.count()


def _render_all(function, language: str) -> list[OutboundEmail]:
    user = UserFactory(
        username=f"elodie.obrien{next(_serial)}",
        first_name="Élodie",
        last_name="O'Brien & fils",
        language=language,
    )
    user.email = ADDRESS
    if function in (emails.send_advanced_invitations, emails.send_user_create_password_many):
        return list(function(**_batch_item(function, language, user)))
    return [function(**kwargs) for kwargs in _calls(function, language, user)]


def _visible_html(body_html: str) -> str:
    body = re.sub(r"<title>.*?</title>", "", body_html, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("function", SEND_FUNCTIONS, ids=lambda f: f.__name__)
def test_every_email_reads_cleanly(function, language):
    rendered = _render_all(function, language)
    assert rendered
    for email in rendered:
        where = f"{email.kind} ({language})"
        assert not ENTITY.search(email.subject), f"entity in the subject of {where}"
        assert not ENTITY.search(email.body_text), f"entity in the text of {where}"
        assert "\n" not in email.subject and email.subject.strip(), where
        title = re.search(r"<title>(.*?)</title>", email.body_html, flags=re.S).group(1)
        assert html.unescape(title) == email.subject, f"the HTML title is the subject: {where}"
        visible = _visible_html(email.body_html)
        for value in (PERSON, COMPANY, URL, FREE_TEXT):
            if value in visible:
                assert value in email.body_text, f"{value!r} as typed in the text of {where}"
        assert (
            PERSON in email.body_text or COMPANY in email.body_text or ADDRESS in (email.body_text)
        ), f"the text of {where} names someone"
        footer = email.body_text.rsplit("\n-- \n", 1)
        assert len(footer) == 2, f"support footer in the text of {where}"
        assert settings.SUPPORT_EMAIL in footer[1], where
        assert settings.SUPPORT_EMAIL in visible, where
        if language == "fr":
            for part in (email.subject, email.body_text, visible):
                slip = MISSED_ELISION.search(part)
                assert slip is None, f"missed elision « {slip and slip.group(0)} » in {where}"


def test_every_email_template_set_is_rendered_by_a_function():
    """Every templates/emails/<kind>.subject.txt is reached by the test above."""
    folder = Path(settings.BASE_DIR) / "templates" / "emails"
    kinds = {path.name.removesuffix(".subject.txt") for path in folder.glob("*.subject.txt")}
    reached = set()
    for function in SEND_FUNCTIONS:
        reached |= {email.kind for email in _render_all(function, "fr")}
    assert kinds <= reached, sorted(kinds - reached)


def test_text_templates_extend_the_text_base_and_html_templates_have_no_subject():
    folder = Path(settings.BASE_DIR) / "templates" / "emails"
    partials = {"base.txt", "rights_list.txt", "base.html", "button.html", "rights_list.html"}
    for path in folder.iterdir():
        if path.name in partials or path.name.endswith(".subject.txt"):
            continue
        source = path.read_text()
        if path.suffix == ".txt":
            assert source.startswith('{% extends "emails/base.txt" %}'), path.name
        else:
            assert source.startswith('{% extends "emails/base.html" %}'), path.name
            assert "block subject" not in source, f"{path.name} writes its subject again"
