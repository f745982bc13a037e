"""The admin site every ModelAdmin registers with (``admin.site``): Django's, with two answers to bad
input made safe for every model — ours and those other packages register (users, groups, django-axes).

- A date-hierarchy filter out of range (``?created_at__year=10000000000000000000``, ``?created_at__year=9999``:
  the year after it does not exist) is a bad filter: the list opens with Django's notice about invalid
  filters. Django catches only the ``ValueError`` of an impossible date there, not ``OverflowError`` nor
  the year after 9999, and answers 500.
- An action posted with a selected row that is not an id of the model (``_selected_action=abc``, typed by
  hand) changes nothing and says so; Django passes the value to the lookup and answers 500.
- A search longer than ``SEARCH_TERM_MAX`` characters finds nothing and says why: Django makes one
  condition per word and per search field, and 100,000 characters took the database half a minute.
"""

import functools

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@functools.cache
def _safe_changelist(changelist_class):
    class SafeChangeList(changelist_class):
        def get_filters(self, request):
            try:
                return super().get_filters(request)
            except (OverflowError, ValueError) as exc:
                raise IncorrectLookupParameters(exc) from exc

    SafeChangeList.__name__ = SafeChangeList.__qualname__ = f"Safe{changelist_class.__name__}"
    return SafeChangeList


SEARCH_TERM_MAX = 200


class SafeInputAdminMixin:
    def get_search_results(self, request, queryset, search_term):
        if len(search_term) > SEARCH_TERM_MAX:
            self.message_user(request, _("The search is too long: shorten it and try again."), messages.WARNING)
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def get_changelist(self, request, **kwargs):
        return _safe_changelist(super().get_changelist(request, **kwargs))

    def response_action(self, request, queryset):
        pk = self.model._meta.pk
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                if "\x00" in value:
                    raise ValidationError("NUL")
                pk.to_python(value)
        except ValidationError:
            self.message_user(request, _("The selected rows are not valid. Nothing was changed."), messages.WARNING)
            return None
        return super().response_action(request, queryset)


class PortalAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, SafeInputAdminMixin):
            admin_class = type(
                admin_class.__name__,
                (SafeInputAdminMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)


class PortalAdminConfig(AdminConfig):
    """Installed instead of ``django.contrib.admin``: the same app, with ``PortalAdminSite`` as ``admin.site``."""

    default_site = "association.admin_site.PortalAdminSite"
