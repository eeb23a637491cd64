"""`make run PORT=8001` serves on 8001 and the e-mailed links point there (issue 11)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _settings_with(env_changes: dict) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    env.update(env_changes, DJANGO_SETTINGS_MODULE="portal.settings")
    code = (
        "from django.conf import settings; "
        "print(settings.SITE_URL); print(','.join(settings.CSRF_TRUSTED_ORIGINS))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


def test_site_url_follows_the_port():
    assert _settings_with({"PORT": "8001"}) == ["http://127.0.0.1:8001"] * 2
    assert _settings_with({}) == ["http://127.0.0.1:8000"] * 2


def test_an_explicit_site_url_wins_over_the_port():
    assert _settings_with({"PORT": "8001", "SITE_URL": "https://sesame.example/"})[0] == (
        "https://sesame.example"
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
def test_make_run_serves_on_the_port_given_and_passes_it_on():
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", "run", "PORT=8001"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "runserver 127.0.0.1:8001" in done.stdout
    shown = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-s",
            "-f",
            "Makefile",
            "-f",
            "-",
            "show-port",
            "PORT=8001",
        ],
        cwd=ROOT,
        input="show-port:\n\t@echo $$PORT\n",
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == "8001"  # exported: seed_demo and runserver read it


@pytest.mark.django_db
def test_emailed_links_follow_the_site_url(
    settings, client, admin, mailoutbox, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from tests.accounts.test_users import _create_data

    settings.SITE_URL = "http://127.0.0.1:8001"
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:user-create"), _create_data())
    assert "http://127.0.0.1:8001/accounts/login/" in mailoutbox[-1].body
