from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project itself: settings, URLs, the API, and commands that span every app."""

    name = "portal"
    verbose_name = "Sésame"
