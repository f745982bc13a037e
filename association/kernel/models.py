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


class KeyRotation(models.Model):
    """Progress of ``manage.py rotate_field_keys`` (association.kernel.rotation): for one table and the key it
    re-encrypts to, the last primary key done. Each batch and this row are committed together, so a run
    interrupted anywhere resumes after the last committed batch and loses nothing."""

    table = models.CharField(_("table"), max_length=100)
    key_id = models.CharField(_("key id"), max_length=16)
    last_pk = models.BigIntegerField(_("last row done"), default=0)
    rows_done = models.PositiveIntegerField(_("rows re-encrypted"), default=0)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        app_label = "association"
        verbose_name = _("encryption key rotation")
        verbose_name_plural = _("encryption key rotations")
        constraints = [models.UniqueConstraint(fields=["table", "key_id"], name="one_rotation_per_table_and_key")]

    def __str__(self):
        return f"{self.table} → {self.key_id}"
