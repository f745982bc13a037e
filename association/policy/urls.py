from django.urls import path

from . import views

app_name = "policy"

urlpatterns = [
    path("", views.public_policy, name="public"),
    path("<int:pk>/pdf/", views.public_pdf, name="public_pdf"),
    path("manage/", views.version_list, name="list"),
    path("manage/import/", views.version_import, name="import"),
    path("manage/import/letterhead/", views.accept_letterhead, name="accept_letterhead"),
    path("manage/<int:pk>/", views.version_detail, name="detail"),
    path("manage/<int:pk>/pdf/", views.version_pdf, name="pdf"),
    path("manage/<int:pk>/edit/", views.version_edit, name="edit"),
    path("manage/<int:pk>/new-draft/", views.version_new_draft, name="new_draft"),
    path("manage/<int:pk>/approve/", views.version_approve, name="approve"),
    path("manage/<int:pk>/scan/", views.version_scan, name="scan"),
    path("manage/<int:pk>/read/", views.version_confirm_read, name="confirm_read"),
    path("manage/<int:pk>/unconfirmed/", views.version_unconfirmed, name="unconfirmed"),
]
