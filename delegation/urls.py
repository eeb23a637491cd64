from django.urls import path

from . import provider_views, views

app_name = "delegation"

urlpatterns = [
    path("company/", views.company_select, name="company-select"),
    path("company/switch/", views.company_switch, name="company-switch"),
    path("providers/", provider_views.provider_list, name="provider-list"),
    path("providers/new/", provider_views.provider_add, name="provider-add"),
    path(
        "providers/<int:pk>/withdraw/", provider_views.provider_withdraw, name="provider-withdraw"
    ),
    path("me/provider-access/", provider_views.provider_list_mine, name="provider-list-mine"),
    path(
        "me/provider-access/<int:pk>/answer/",
        provider_views.provider_answer,
        name="provider-answer",
    ),
    path(
        "me/provider-access/<int:pk>/give-up/",
        provider_views.provider_give_up,
        name="provider-give-up",
    ),
    path("provider-access/<str:key>/", provider_views.provider_link, name="provider-link"),
]
