from django.urls import path

from . import views

app_name = "requests_app"

urlpatterns = [
    path("requests/", views.request_list, name="list"),
    path("requests/<int:pk>/", views.request_detail, name="detail"),
    path("requests/<int:pk>/explanation/", views.request_explanation, name="explanation"),
    path("requests/<int:pk>/declaration/", views.declaration_sign, name="declaration"),
    path("requests/<int:pk>/documents/<int:type_pk>/", views.document_supply, name="document_supply"),
    path("requests/<int:pk>/documents/<int:type_pk>/verify/", views.document_verify, name="document_verify"),
    path("requests/<int:pk>/submit/", views.request_submit, name="submit"),
    path("requests/<int:pk>/return/", views.request_return, name="return"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="withdraw"),
    path("requests/<int:pk>/refer/", views.request_refer, name="refer"),
    path("requests/<int:pk>/to-committee/", views.request_to_committee, name="to_committee"),
    path("requests/<int:pk>/study/", views.study_record, name="study"),
    path("requests/<int:pk>/recommend/", views.study_recommend, name="recommend"),
    path("requests/<int:pk>/vote/", views.committee_vote, name="vote"),
    path("requests/<int:pk>/decide/", views.committee_decide, name="decide"),
    path("requests/<int:pk>/appeal/", views.request_appeal, name="appeal"),
    path("requests/<int:pk>/register/", views.request_register, name="register"),
    path("requests/<int:pk>/deliveries/new/", views.delivery_new, name="delivery_new"),
    path("requests/<int:pk>/close/", views.request_close, name="close"),
    path("requests/<int:pk>/pdf/<slug:kind>/", views.request_pdf, name="pdf"),
    path("committee/agenda/", views.committee_agenda, name="agenda"),
    path("research/assignments/", views.research_assignments, name="assignments"),
    path("beneficiaries/<uuid:public_id>/requests/new/", views.request_new, name="new"),
]
