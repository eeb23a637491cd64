from django.urls import path

from . import provider_views, views

app_name = "delegation"

urlpatterns = [
    path("company/", views.company_select, name="company-select"),
    path("company/switch/", views.company_switch, name="company-switch"),
    path("routers/", views.router_list, name="router-list"),
    path("routers/<int:pk>/", views.router_rights, name="router-rights"),
    path("routers/<int:pk>/withdraw/", views.router_withdraw, name="router-withdraw"),
    path("routers/<int:pk>/<slug:app_code>/", views.router_rights_edit, name="router-rights-edit"),
    path("received/", views.received_list, name="received-list"),
    path("received/<int:pk>/decide/", views.received_decide, name="received-decide"),
    path("received/grants/<int:pk>/hand-on/", views.received_hand_on, name="received-hand-on"),
    path("providers/", provider_views.provider_list, name="provider-list"),
    path("providers/new/", provider_views.provider_add, name="provider-add"),
    path(
        "providers/<int:pk>/withdraw/", provider_views.provider_withdraw, name="provider-withdraw"
    ),
    path("providers/<int:pk>/rights/", provider_views.provider_rights, name="provider-rights"),
    path("providers/<int:pk>/end/", provider_views.provider_end_change, name="provider-end"),
    path(
        "providers/requests/<int:pk>/decline/",
        provider_views.provider_request_decline,
        name="provider-request-decline",
    ),
    path("me/provider-access/ask/", provider_views.provider_ask, name="provider-ask"),
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
