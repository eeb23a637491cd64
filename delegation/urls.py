from django.urls import path

from . import views

app_name = "delegation"

urlpatterns = [
    path("company/", views.company_select, name="company-select"),
    path("company/switch/", views.company_switch, name="company-switch"),
    path("routers/", views.router_list, name="router-list"),
    path("routers/<int:pk>/", views.router_rights, name="router-rights"),
    path("routers/<int:pk>/withdraw/", views.router_withdraw, name="router-withdraw"),
    path("routers/<int:pk>/<slug:app_code>/", views.router_rights_edit, name="router-rights-edit"),
    path("received/", views.received_list, name="received-list"),
    path("received/<int:customer_id>/decide/", views.received_decide, name="received-decide"),
    path("received/grants/<int:pk>/hand-on/", views.received_hand_on, name="received-hand-on"),
]
