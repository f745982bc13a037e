from django.urls import path

from . import views

app_name = "selfservice"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.code, name="code"),
    path("sign-in/code/resend/", views.code_resend, name="code_resend"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("check-id/", views.id_check, name="id_check"),
    path("services/", views.services_list, name="services"),
    path("register/", views.register, name="register"),
    path("apply/<int:pk>/", views.apply, name="apply"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/upload/", views.request_upload, name="request_upload"),
    path("requests/<int:pk>/appeal/", views.request_appeal, name="request_appeal"),
    path("requests/<int:pk>/deliveries/<int:delivery_pk>/received/", views.receipt_confirm, name="receipt_confirm"),
    path("requests/<int:pk>/<str:kind>.pdf", views.request_pdf, name="request_pdf"),
    path("messages/", views.messages_list, name="messages"),
    path("messages/new/", views.message_new, name="message_new"),
    path("messages/<int:pk>/", views.message_detail, name="message"),
    path("data/", views.data, name="data"),
    path("data/correction/", views.data_correction, name="data_correction"),
    path("data/consents/", views.data_consent, name="data_consent"),
    path("data/copy.json", views.data_download, name="data_download"),
    path("data/copy.pdf", views.data_download_pdf, name="data_download_pdf"),
]
