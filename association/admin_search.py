"""Admin search that keeps what is typed out of URLs and access logs.

Django admin searches with ``GET ?q=``: a national ID or a mobile typed into the box would land in
the browser history, in the proxy's and gunicorn's access logs and in every link of the result page.
With ``PrivateSearchAdminMixin`` the search box posts the term; the term is kept in the session under
a random token and the list is shown at ``?q=<token>``. Only a token of this session is searched for:
a term written into the URL by hand finds nothing.
"""

import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _

from association.kernel import crypto

SESSION_KEY = "admin_private_search"
KEPT_SEARCHES = 10
TERM_MAX_LENGTH = 200
SEARCH_VAR = "q"
# Not list parameters: never carried back into the list's URL.
_NOT_PARAMS = {SEARCH_VAR, "csrfmiddlewaretoken", "p"}


class PrivateSearchAdminMixin:
    """Put before ``admin.ModelAdmin``; ``private_search_base_template`` is the change list template the
    admin would otherwise use (e.g. import-export's)."""

    private_search_base_template = "admin/change_list.html"
    change_list_template = "admin/private_search_change_list.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_private_search"
        return [path("search/", self.admin_site.admin_view(self.private_search_view), name=name), *super().get_urls()]

    def private_search_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        params = {key: value for key, value in request.POST.items() if key not in _NOT_PARAMS}
        term = request.POST.get(SEARCH_VAR, "").strip()[:TERM_MAX_LENGTH]
        if term:
            token = secrets.token_urlsafe(9)
            kept = dict(list(request.session.get(SESSION_KEY, {}).items())[-(KEPT_SEARCHES - 1) :])
            # Encrypted like the registry's IDs: sessions live in the database, and a dump must not show them.
            kept[token] = crypto.encrypt(term, context=SESSION_KEY)
            request.session[SESSION_KEY] = kept
            params[SEARCH_VAR] = token
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist", current_app=self.admin_site.name
        )
        return redirect(f"{url}?{urlencode(params)}" if params else url)

    def private_search_term(self, request, token: str) -> str | None:
        """The term kept for ``token`` in this session, or None."""
        kept = request.session.get(SESSION_KEY, {}).get(token) if token else None
        if kept is None:
            return None
        try:
            return crypto.decrypt(kept, context=SESSION_KEY)
        except crypto.DecryptionError:  # its key has left FIELD_ENCRYPTION_KEYS since: type it again
            return None

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        term = self.private_search_term(request, search_term)
        if term is None:
            return queryset.none(), False
        return self.get_private_search_results(request, queryset, term)

    def get_private_search_results(self, request, queryset, term):
        """The search itself, for the term typed (override this, not ``get_search_results``)."""
        return super().get_search_results(request, queryset, term)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        changelist.private_query = self.private_search_term(request, changelist.query) or ""
        if changelist.query and not changelist.private_query:
            messages.warning(request, _("This search is no longer available; type it again in the search box."))
        return changelist

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "private_search_base": self.private_search_base_template}
        return super().changelist_view(request, extra_context)
