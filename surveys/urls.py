from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    # Public (no login): the token is the key. Short, for SMS and QR codes.
    path("s/<str:token>/", views.answer, name="answer"),
    path("surveys/", views.survey_list, name="list"),
    path("surveys/new/", views.survey_new, name="new"),
    path("surveys/<int:pk>/", views.survey_detail, name="detail"),
    path("surveys/<int:pk>/new-version/", views.version_new, name="version_new"),
    path("surveys/versions/<int:pk>/", views.version_detail, name="version"),
    path("surveys/versions/<int:pk>/edit/", views.version_edit, name="version_edit"),
    path("surveys/versions/<int:pk>/publish/", views.version_publish, name="version_publish"),
    path("surveys/versions/<int:pk>/questions/", views.question_add, name="question_add"),
    path("surveys/questions/<int:pk>/move/", views.question_move, name="question_move"),
    path("surveys/questions/<int:pk>/delete/", views.question_delete, name="question_delete"),
    path("surveys/invitations/", views.invitation_list, name="invitations"),
    path("surveys/invitations/batch/", views.invitation_batch, name="invitation_batch"),
    path("surveys/invitations/in-person/", views.invitation_in_person, name="invitation_in_person"),
    path("surveys/invitations/<int:pk>/print/", views.invitation_print, name="invitation_print"),
    path("surveys/invitations/<int:pk>/qr.svg", views.invitation_qr, name="invitation_qr"),
    path("surveys/results/", views.results_dashboard, name="results"),
    path("surveys/results/export.xlsx", views.results_export, name="results_export"),
    path("surveys/actions/", views.action_list, name="actions"),
    path("surveys/actions/new/", views.action_new, name="action_new"),
    path("surveys/actions/<int:pk>/", views.action_edit, name="action_edit"),
    path("surveys/actions/<int:pk>/status/", views.action_status, name="action_status"),
]
