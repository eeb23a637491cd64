"""Routes of the keys area (namespace "accounts")."""

urlpatterns: list = []
