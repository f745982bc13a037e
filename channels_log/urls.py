from django.urls import path

from . import views

app_name = "channels_log"

urlpatterns = [
    path("contacts/", views.contact_list, name="list"),
    path("contacts/new/", views.contact_new, name="new"),
]
