from django.contrib import admin

from .models import Applicant, ApplicantSession, SignInCode


class ReadOnlyAdmin(admin.ModelAdmin):
    """Sign-in records are written by the sign-in pages only; staff read them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Applicant)
class ApplicantAdmin(ReadOnlyAdmin):
    list_display = ["mobile", "beneficiary", "created_at", "last_signed_in_at"]
    search_fields = ["mobile"]
    raw_id_fields = ["beneficiary", "desk_case"]


@admin.register(SignInCode)
class SignInCodeAdmin(ReadOnlyAdmin):
    list_display = ["mobile", "created_at", "expires_at", "attempts", "used_at"]
    exclude = ["code_hash", "salt"]


@admin.register(ApplicantSession)
class ApplicantSessionAdmin(ReadOnlyAdmin):
    list_display = ["applicant", "created_at", "last_seen_at", "expires_at", "ended_at"]
    exclude = ["key_hash"]
