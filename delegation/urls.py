from django.urls import path

from . import views

app_name = "delegation"

urlpatterns = [
    path("company/", views.company_select, name="company-select"),
    path("company/switch/", views.company_switch, name="company-switch"),
]
