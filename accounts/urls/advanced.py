"""Routes of the advanced area (namespace "accounts")."""

urlpatterns: list = []
