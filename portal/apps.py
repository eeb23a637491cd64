from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project itself: settings, URLs, the API, and commands that span every app."""

    name = "portal"
    verbose_name = "Sésame"

    def ready(self) -> None:
        # Import kinds that call another app than `imports` (eSecure) register from here.
        from . import import_kinds  # noqa: F401
