from django.contrib import admin

from .models import PermitRequirement, ProgramKind


class PermitRequirementInline(admin.TabularInline):
    model = PermitRequirement
    extra = 1


@admin.register(ProgramKind)
class ProgramKindAdmin(admin.ModelAdmin):
    """Reference data: the kinds of program and the permits each needs. Programs themselves are written only
    through the portal's pages (their lifecycle is a service's)."""

    list_display = ["name_ar", "name_en", "code"]
    inlines = [PermitRequirementInline]
