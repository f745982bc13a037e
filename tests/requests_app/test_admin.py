"""Admin reads support requests and writes none: no request without its status history, no status or
beneficiary changed past the services, no history deleted."""

from django.urls import reverse

from requests_app.models import StatusChange, SupportRequest

from .factories import draft_request, force_status

S = SupportRequest.Status


def test_admin_cannot_add_a_request(superuser, client_for):
    client = client_for(superuser)
    changelist = client.get(reverse("admin:requests_app_supportrequest_changelist"))
    assert changelist.status_code == 200
    assert reverse("admin:requests_app_supportrequest_add") not in changelist.content.decode()
    assert client.get(reverse("admin:requests_app_supportrequest_add")).status_code == 403
    assert client.post(reverse("admin:requests_app_supportrequest_add"), {"description": "x"}).status_code == 403
    assert not SupportRequest.objects.exists()


def test_admin_shows_a_request_and_its_history_without_a_way_to_change_them(officer, superuser, client_for):
    support_request = force_status(draft_request(officer), S.SUBMITTED)
    StatusChange.objects.create(
        support_request=support_request,
        old_status=S.DRAFT,
        new_status=S.SUBMITTED,
        actor=officer,
        at=support_request.submitted_at,
    )
    client = client_for(superuser)
    url = reverse("admin:requests_app_supportrequest_change", args=[support_request.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert support_request.description in html and 'name="description"' not in html
    response = client.post(url, {"description": "وصف آخر", "status": S.CLOSED})
    assert response.status_code == 403
    delete = reverse("admin:requests_app_supportrequest_delete", args=[support_request.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    support_request.refresh_from_db()
    assert (support_request.description, support_request.status) == ("طلب مساعدة", S.SUBMITTED)
    assert StatusChange.objects.filter(support_request=support_request).count() == 1
