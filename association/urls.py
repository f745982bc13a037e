from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from . import accounts, breach_views, two_factor, views

admin.site.site_header = admin.site.site_title = _("Beneficiary relations portal")
admin.site.index_title = _("Portal administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/two-factor/", two_factor.setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", two_factor.verify, name="two_factor_verify"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("association/logo/", views.logo, name="logo"),
    path("association/breaches/", breach_views.breach_list, name="breach_list"),
    path("association/breaches/new/", breach_views.breach_new, name="breach_new"),
    path("association/breaches/<int:pk>/", breach_views.breach_edit, name="breach_edit"),
    path("admin/", admin.site.urls),
    path("", include("beneficiaries.urls")),
    path("", include("requests_app.urls")),
    path("", include("channels_log.urls")),
    path("policy/", include("association.policy.urls")),
    path("branches/", include("association.branch_urls")),
    path("", include("surveys.urls")),
    path("", include("programs.urls")),
    path("my/", include("selfservice.urls")),
]
