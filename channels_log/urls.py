from django.urls import path

from channels_log.cases import views as case_views
from channels_log.cases import views_public
from channels_log.contacts import views as contact_views
from channels_log.messaging import views as message_views

app_name = "channels_log"

urlpatterns = [
    path("contacts/", contact_views.contact_list, name="list"),
    path("contacts/new/", contact_views.contact_new, name="new"),
    path("contacts/<int:pk>/", contact_views.contact_detail, name="contact_detail"),
    path("contacts/attachments/<int:pk>/", contact_views.attachment_file, name="attachment"),
    path("cases/", case_views.case_list, name="case_list"),
    path("cases/reports/", case_views.case_reports, name="case_reports"),
    path("cases/reports/export.xlsx", case_views.case_reports_xlsx, name="case_reports_xlsx"),
    path("cases/<int:pk>/", case_views.case_detail, name="case_detail"),
    path("cases/<int:pk>/assign/", case_views.case_assign, name="case_assign"),
    path("cases/<int:pk>/start/", case_views.case_start, name="case_start"),
    path("cases/<int:pk>/answer/", case_views.case_answer, name="case_answer"),
    path("cases/<int:pk>/outcome/", case_views.case_outcome, name="case_outcome"),
    path("cases/<int:pk>/close/", case_views.case_close, name="case_close"),
    path("cases/<int:pk>/reopen/", case_views.case_reopen, name="case_reopen"),
    path("cases/<int:pk>/appeal/", case_views.case_appeal, name="case_appeal"),
    path("messages/", message_views.message_list, name="messages"),
    path("messages/<int:pk>/", message_views.message_detail, name="message_detail"),
    path("messages/<int:pk>/retry/", message_views.message_retry, name="message_retry"),
    path(
        "beneficiaries/<uuid:public_id>/message-preferences/",
        message_views.message_preferences,
        name="message_preferences",
    ),
    path("contact/", views_public.contact_public, name="public_contact"),
    path("contact/sent/", views_public.contact_public_sent, name="public_sent"),
    path("contact/status/", views_public.contact_public_status, name="public_status"),
]
