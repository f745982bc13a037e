from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("programs/", views.program_list, name="list"),
    path("programs/new/", views.program_new, name="new"),
    path("programs/<int:pk>/", views.program_detail, name="detail"),
    path("programs/<int:pk>/step/", views.program_step, name="step"),
    path("programs/<int:pk>/decide/", views.program_decide, name="decide"),
    path("programs/<int:pk>/documents/", views.document_add, name="document_add"),
    path("programs/documents/<int:pk>/", views.document_file, name="document"),
    path("programs/<int:pk>/permits/new/", views.permit_new, name="permit_new"),
    path("programs/permits/<int:pk>/", views.permit_edit, name="permit_edit"),
    path("programs/permits/<int:pk>/scan/", views.permit_scan, name="permit_scan"),
    path("programs/<int:pk>/sessions/new/", views.session_new, name="session_new"),
    path("programs/sessions/<int:pk>/", views.session_detail, name="session"),
    path("programs/sessions/<int:pk>/held/", views.session_held, name="session_held"),
    path("programs/sessions/<int:pk>/head-count/", views.head_count, name="head_count"),
    path("programs/sessions/<int:pk>/attendees/", views.attendee_add, name="attendee_add"),
    path("programs/sessions/<int:pk>/hours/", views.hours_record, name="hours"),
    path("programs/attendance/<int:pk>/mark/", views.attendance_mark, name="attendance_mark"),
    path("programs/attendance/<int:pk>/qr.svg", views.attendance_qr, name="attendance_qr"),
    path("attend/<str:token>/", views.attend, name="attend"),
    path("programs/<int:pk>/volunteers/", views.volunteer_assign, name="assign"),
    path("programs/<int:pk>/notes/", views.note_add, name="note_add"),
    path("programs/<int:pk>/reports/new/", views.report_new, name="report_new"),
    path("programs/reports/<int:pk>/", views.report_detail, name="report"),
    path("programs/reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("programs/reports/<int:pk>/xlsx/", views.report_xlsx, name="report_xlsx"),
    path("programs/organisations/", views.organisation_list, name="organisations"),
    path("programs/organisations/new/", views.organisation_new, name="organisation_new"),
    path("programs/organisations/<int:pk>/", views.organisation_edit, name="organisation_edit"),
    path("volunteers/", views.volunteer_list, name="volunteers"),
    path("volunteers/new/", views.volunteer_new, name="volunteer_new"),
    path("volunteers/<int:pk>/", views.volunteer_detail, name="volunteer_detail"),
    path("volunteers/<int:pk>/step/", views.volunteer_step, name="volunteer_step"),
    path("volunteers/<int:pk>/certificate/", views.volunteer_certificate, name="volunteer_certificate"),
]
