from django.urls import path

from .views import area, invitations, links

app_name = "approvals"

urlpatterns = [
    path("esecure/decision/<str:key>/", links.decision_link, name="decision-link"),
    # Invitations to become customer admin: the e-mailed link, the invited person's own page.
    path(
        "esecure/invitation/<str:key>/",
        invitations.admin_invitation_link,
        name="admin-invitation-link",
    ),
    path("esecure/invitations/", invitations.admin_invitation_mine, name="admin-invitation-mine"),
    path(
        "esecure/invitations/<int:pk>/answer/",
        invitations.admin_invitation_answer,
        name="admin-invitation-answer",
    ),
    # The eSecure area: four tabs.
    path("esecure/", area.sender_list, name="sender-list"),
    path("esecure/senders/add/", area.sender_add, name="sender-add"),
    path("esecure/senders/decide/", area.sender_decide, name="sender-decide"),
    path("esecure/senders/upload/", area.sender_upload, name="sender-upload"),
    path("esecure/domains/", area.domain_list, name="domain-list"),
    path("esecure/domains/add/", area.domain_add, name="domain-add"),
    path("esecure/domains/status/", area.domain_status, name="domain-status"),
    path("esecure/admins/", area.admin_list, name="admin-list"),
    path("esecure/admins/add/", area.admin_add, name="admin-add"),
    path("esecure/admins/status/", area.admin_status, name="admin-status"),
    path(
        "esecure/admins/invitations/<int:pk>/resend/",
        area.admin_invitation_resend,
        name="admin-invitation-resend",
    ),
    path(
        "esecure/admins/invitations/<int:pk>/withdraw/",
        area.admin_invitation_withdraw,
        name="admin-invitation-withdraw",
    ),
    path("esecure/accounts/", area.account_list, name="account-list"),
    path("esecure/accounts/status/", area.account_status, name="account-status"),
    path("esecure/accounts/<int:pk>/edit/", area.account_edit, name="account-edit"),
]
