"""The full stack is described twice, for Docker and without it: the two must not drift."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _procfile() -> dict[str, str]:
    lines = (line.strip() for line in (ROOT / "Procfile.stack").read_text().splitlines())
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


def _variables(path: Path) -> set[str]:
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", path.read_text(), re.MULTILINE))


def test_docker_compose_runs_the_procfile_commands_word_for_word():
    yaml = pytest.importorskip("yaml")
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name, command in _procfile().items():
        assert services[name]["command"] == ["sh", "-c", command], name


def test_the_stack_env_file_sets_every_documented_variable():
    assert _variables(ROOT / ".env.example") - _variables(ROOT / ".env.stack") == set()


def test_the_stack_runs_production_settings_over_smtp():
    stack = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.stack").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert stack["DEBUG"] == "false"
    assert stack["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert stack["DATABASE_URL"].startswith("postgres://")
    assert stack["CELERY_BROKER_URL"].startswith("redis://")
