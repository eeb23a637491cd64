"""Routes of the users area (namespace "accounts"): standard users and their rights."""

from django.urls import path

from ..views import rights, users

urlpatterns = [
    path("users/", users.user_list, name="user-list"),
    path("users/new/", users.user_create, name="user-create"),
    path("users/technical/new/", users.user_create_technical, name="user-create-technical"),
    path("users/<int:pk>/edit/", users.user_edit, name="user-edit"),
    path("users/<int:pk>/deactivate/", users.user_deactivate, name="user-deactivate"),
    path("users/<int:pk>/reactivate/", users.user_reactivate, name="user-reactivate"),
    path("users/<int:pk>/api-key/", users.technical_key_regenerate, name="user-key-regenerate"),
    path("users/<int:pk>/rights/", rights.user_rights, name="user-rights"),
    path(
        "users/<int:pk>/rights/copy/",
        rights.user_rights_copy_choose,
        name="user-rights-copy-choose",
    ),
    path(
        "users/<int:pk>/rights/<slug:app_code>/", rights.user_rights_edit, name="user-rights-edit"
    ),
    path(
        "users/<int:pk>/rights/<slug:app_code>/copy/",
        rights.user_rights_copy,
        name="user-rights-copy",
    ),
]
