"""The kernel's own table: consumed form tokens (``association.kernel.form_tokens``).

It belongs to the ``association`` app (label and table unchanged since it moved here); ``association.models``
imports it so Django registers it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FormSubmission(models.Model):
    """A form token consumed by a successful POST (association.kernel.form_tokens): the same form sent again —
    a double click, a retry, the back button, eight requests at once from any web replica — finds its
    token here (unique) and gets this first result instead of creating a second record."""

    token = models.CharField(_("token"), max_length=100, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    path = models.CharField(_("path"), max_length=300)
    location = models.CharField(_("result"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        app_label = "association"
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self):
        return f"{self.path} {self.created_at:%Y-%m-%d %H:%M}"
