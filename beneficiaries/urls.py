from django.urls import path

from . import views

app_name = "beneficiaries"

urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("beneficiaries/", views.beneficiary_list, name="list"),
    path("beneficiaries/new/", views.beneficiary_register, name="register"),
    path("beneficiaries/<uuid:public_id>/", views.beneficiary_detail, name="detail"),
    path("beneficiaries/<uuid:public_id>/edit/", views.beneficiary_edit, name="edit"),
    path("beneficiaries/<uuid:public_id>/reveal/<str:field>/", views.reveal, name="reveal"),
    path("beneficiaries/<uuid:public_id>/documents/", views.document_upload, name="document_upload"),
    path("documents/<int:pk>/verify/", views.document_verify, name="document_verify"),
    path("documents/<int:pk>/file/", views.document_file, name="document_file"),
]
