from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/<int:pk>/", views.message_detail, name="message-detail"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/", views.outbox_detail, name="outbox-detail"),
    path("outbox/<int:pk>/html/", views.outbox_html, name="outbox-html"),
]
