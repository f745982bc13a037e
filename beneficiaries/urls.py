from django.urls import path

from . import views, views_access
from .privacy import views as privacy_views

app_name = "beneficiaries"

urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("beneficiaries/", views.beneficiary_list, name="list"),
    path("beneficiaries/new/", views.beneficiary_register, name="register"),
    path("beneficiaries/import/", views.import_upload, name="import"),
    path("beneficiaries/import/preview/", views.import_preview, name="import_preview"),
    path("beneficiaries/import/confirm/", views.import_confirm, name="import_confirm"),
    path("beneficiaries/import/runs/<int:pk>/", views.import_run, name="import_run"),
    path("beneficiaries/import/cancel/", views.import_cancel, name="import_cancel"),
    path("beneficiaries/import/template/", views.import_template, name="import_template"),
    path("beneficiaries/export/", views.beneficiary_export, name="export"),
    path("beneficiaries/<uuid:public_id>/", views.beneficiary_detail, name="detail"),
    path("beneficiaries/<uuid:public_id>/edit/", views.beneficiary_edit, name="edit"),
    path("beneficiaries/<uuid:public_id>/reveal/<str:field>/", views.reveal, name="reveal"),
    path("beneficiaries/<uuid:public_id>/household/<int:pk>/reveal/", views.reveal_member, name="reveal_member"),
    path("beneficiaries/<uuid:public_id>/history/", views.beneficiary_history, name="history"),
    path("beneficiaries/<uuid:public_id>/timeline/", views.beneficiary_timeline, name="timeline"),
    path("beneficiaries/access-log/", views_access.access_log, name="access_log"),
    path("beneficiaries/access-log/export/", views_access.access_log_export, name="access_log_export"),
    path("beneficiaries/access-log/exports/", views_access.export_log, name="export_log"),
    path("beneficiaries/access-log/exports/export/", views_access.export_log_export, name="export_log_export"),
    path("beneficiaries/<uuid:public_id>/documents/", views.document_upload, name="document_upload"),
    path("documents/<int:pk>/verify/", views.document_verify, name="document_verify"),
    path("documents/<int:pk>/file/", views.document_file, name="document_file"),
    # Data protection (PDPL): requests about a person's data, their export, consent from their page.
    path("privacy/requests/", privacy_views.subject_request_list, name="subject_requests"),
    path("privacy/requests/<int:pk>/", privacy_views.subject_request_detail, name="subject_request"),
    path("privacy/requests/<int:pk>/close/", privacy_views.subject_request_close, name="subject_request_close"),
    path("privacy/requests/<int:pk>/erasure/", privacy_views.erasure_decide, name="erasure_decide"),
    path("beneficiaries/<uuid:public_id>/privacy/new/", privacy_views.subject_request_new, name="subject_request_new"),
    path("beneficiaries/<uuid:public_id>/privacy/export/", privacy_views.subject_export, name="subject_export"),
    path("beneficiaries/<uuid:public_id>/consent/", privacy_views.consent_change, name="consent_change"),
]
