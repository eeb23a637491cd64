"""Routes of the users area (namespace "accounts")."""

urlpatterns: list = []
