from django.urls import path

from . import views

app_name = "requests_app"

urlpatterns = [
    path("requests/", views.request_list, name="list"),
    path("requests/<int:pk>/", views.request_detail, name="detail"),
    path("beneficiaries/<uuid:public_id>/requests/new/", views.request_new, name="new"),
]
