from django.urls import path

from .views import area, links

app_name = "approvals"

urlpatterns = [
    path("esecure/decision/<str:key>/", links.decision_link, name="decision-link"),
    path("esecure/", area.sender_list, name="sender-list"),
]
