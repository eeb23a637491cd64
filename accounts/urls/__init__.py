"""All routes of the accounts app (namespace "accounts"), one module per area."""

from . import advanced, core, keys, users

app_name = "accounts"

urlpatterns = [*core.urlpatterns, *users.urlpatterns, *advanced.urlpatterns, *keys.urlpatterns]
