"""All routes of the accounts app (namespace "accounts"), one module per area."""

from . import core

app_name = "accounts"

urlpatterns = [*core.urlpatterns]
