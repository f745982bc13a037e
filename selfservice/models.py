"""The beneficiaries' own side at /my/: who signs in (an applicant, by mobile), the one-time codes sent to
that mobile, and the short sessions those codes open. An applicant is not a Django user: staff accounts and
their sessions never mix with these."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from association.kernel.identifiers import validate_mobile


class Applicant(models.Model):
    """A person who signed in at /my/ with a code sent to their mobile, and the beneficiary file that is
    theirs once known (the file with that mobile, or the one they registered online)."""

    mobile = models.CharField(_("mobile"), max_length=13, unique=True, validators=[validate_mobile])
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="self_service_accounts",
        verbose_name=_("beneficiary"),
    )
    # An online registration that looked like an existing file: handed to the desk as this case.
    desk_case = models.ForeignKey(
        "channels_log.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registration handed to the desk"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_signed_in_at = models.DateTimeField(_("last signed in at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("self-service applicant")
        verbose_name_plural = _("self-service applicants")

    def __str__(self):
        return self.mobile


class SignInCode(models.Model):
    """A one-time code sent to a mobile: stored only as a keyed hash, valid a few minutes, a few tries."""

    mobile = models.CharField(_("mobile"), max_length=13, db_index=True, validators=[validate_mobile])
    code_hash = models.CharField(_("code (hashed)"), max_length=64, editable=False)
    salt = models.CharField(_("salt"), max_length=32, editable=False)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")

    def __str__(self):
        return f"{self.mobile} @ {self.created_at:%Y-%m-%d %H:%M}"


class ApplicantSession(models.Model):
    """A signed-in applicant's session: the browser holds a signed random key, the database its hash, so a
    sign-out or an expiry ends it on the server whatever the browser keeps."""

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="sessions")
    key_hash = models.CharField(_("key (hashed)"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("started at"))
    last_seen_at = models.DateTimeField(_("last seen at"))
    expires_at = models.DateTimeField(_("ends at the latest"))
    # When the applicant last gave the last four digits of the ID (the sensitive pages ask for them).
    id_checked_at = models.DateTimeField(_("ID digits checked at"), null=True, blank=True)
    id_tries = models.PositiveSmallIntegerField(_("wrong ID digits"), default=0)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("self-service session")
        verbose_name_plural = _("self-service sessions")

    def __str__(self):
        return f"{self.applicant} @ {self.created_at:%Y-%m-%d %H:%M}"
