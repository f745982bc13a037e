from django.urls import path

from . import views, views_cases, views_messages, views_public

app_name = "channels_log"

urlpatterns = [
    path("contacts/", views.contact_list, name="list"),
    path("contacts/new/", views.contact_new, name="new"),
    path("contacts/<int:pk>/", views_cases.contact_detail, name="contact_detail"),
    path("contacts/attachments/<int:pk>/", views_cases.attachment_file, name="attachment"),
    path("cases/", views_cases.case_list, name="case_list"),
    path("cases/reports/", views_cases.case_reports, name="case_reports"),
    path("cases/reports/export.xlsx", views_cases.case_reports_xlsx, name="case_reports_xlsx"),
    path("cases/<int:pk>/", views_cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/assign/", views_cases.case_assign, name="case_assign"),
    path("cases/<int:pk>/start/", views_cases.case_start, name="case_start"),
    path("cases/<int:pk>/answer/", views_cases.case_answer, name="case_answer"),
    path("cases/<int:pk>/outcome/", views_cases.case_outcome, name="case_outcome"),
    path("cases/<int:pk>/close/", views_cases.case_close, name="case_close"),
    path("cases/<int:pk>/reopen/", views_cases.case_reopen, name="case_reopen"),
    path("cases/<int:pk>/appeal/", views_cases.case_appeal, name="case_appeal"),
    path("beneficiaries/<uuid:public_id>/timeline/", views_cases.beneficiary_timeline, name="timeline"),
    path("messages/", views_messages.message_list, name="messages"),
    path("messages/<int:pk>/", views_messages.message_detail, name="message_detail"),
    path("messages/<int:pk>/retry/", views_messages.message_retry, name="message_retry"),
    path(
        "beneficiaries/<uuid:public_id>/message-preferences/",
        views_messages.message_preferences,
        name="message_preferences",
    ),
    path("contact/", views_public.contact_public, name="public_contact"),
    path("contact/sent/", views_public.contact_public_sent, name="public_sent"),
    path("contact/status/", views_public.contact_public_status, name="public_status"),
]
