"""Staff accounts: the log-in form and changing one's own password (Django's views, the portal's pages)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

# Longer than any password a person types; Argon2 never has to hash a megabyte.
PASSWORD_MAX_LENGTH = 1024


class LoginForm(AuthenticationForm):
    """Django's form with the username's length enforced before anyone authenticates.

    Django sets the username field's ``max_length`` after the field is built, so the rule never
    runs: a 100,000-character name reached django-axes, whose failure row could not hold it (a 500 on
    PostgreSQL). Here an over-long name is a field error and no attempt is recorded.
    """

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
        password = self.fields["password"]
        password.max_length = PASSWORD_MAX_LENGTH
        password.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """Staff change their own password: the old one, then the new one twice (Django's validators)."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session signed in
        messages.success(self.request, _("Your password is changed."))
        return response
