"""Routes of the keys area (namespace "accounts")."""

from django.urls import path

from ..views import keys

urlpatterns = [
    path("me/api-key/", keys.api_key, name="api-key"),
    path("me/api-key/regenerate/", keys.api_key_regenerate, name="api-key-regenerate"),
]
