from django.urls import path

from . import branch_views

app_name = "branches"

urlpatterns = [
    path("", branch_views.branch_list, name="list"),
    path("new/", branch_views.branch_new, name="new"),
    path("<int:pk>/edit/", branch_views.branch_edit, name="edit"),
    path("staff/", branch_views.staff_list, name="staff"),
    path("staff/<int:user_pk>/", branch_views.staff_set, name="staff_set"),
]
