"""The data the guards walk over: ``seed_demo``, plus rows the portal writes by itself through its real
paths — the public contact form (a complaint and an inquiry, no staff member recorded them), a
low-score answer on the public survey page (it opens a follow-up contact and case), messages really
handed to the email and SMS gateways, and rows an admin added in Django admin."""

import io
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from association.celery import app as celery_app
from association.kernel.roles import Role

from .crawler import Form, fetch, guard_client, next_address, parse_page

# The demo login of each actor the guards crawl as; None is the anonymous visitor.
ACTOR_USERS = {
    "anonymous": None,
    Role.RELATIONS_OFFICER.value: "officer",
    Role.SOCIAL_RESEARCHER.value: "researcher",
    Role.COMMITTEE_MEMBER.value: "member1",
    Role.COMMITTEE_CHAIR.value: "chair",
    Role.MANAGER.value: "manager",
    Role.REPRESENTATIVE.value: "representative",
    "superuser": "admin",
}
ACTORS = list(ACTOR_USERS)


@dataclass
class World:
    users: dict  # actor -> User (None for anonymous)
    public_case_references: list[str]
    survey_open_url: str
    survey_answered_url: str
    staff_pages: list[str]  # the pages of the rows written here, for the staff crawls to start from


class WorldError(AssertionError):
    pass


def _form_with(client, url: str, field_name: str) -> Form:
    response = fetch(client, "GET", url)
    if response.status_code != 200:
        raise WorldError(f"GET {url} answered {response.status_code}")
    _links, forms = parse_page("world", url, response.content)
    for form in forms:
        if field_name in form.names():
            return form
    raise WorldError(f"{url} has no form with a {field_name!r} field")


def _submit(client, form: Form, values: dict, *, expect_redirect: bool = True):
    """POST the form as the page filled it, with ``values`` typed in; committed (no savepoint rollback)."""
    data = form.baseline()
    data.update({name: value if isinstance(value, list) else [value] for name, value in values.items()})
    response = client.post(form.action, data, REMOTE_ADDR=next_address())
    if expect_redirect and response.status_code != 302:
        raise WorldError(f"POST {form.action} answered {response.status_code}: {_errors(response)}")
    return response


def _errors(response) -> str:
    """The form errors a page shows, for a readable failure."""
    import lxml.html

    try:
        doc = lxml.html.fromstring(response.content.decode("utf-8", "replace"))
    except Exception:
        return response.content[:500].decode("utf-8", "replace")
    found = doc.xpath(
        "//*[contains(@class, 'invalid-feedback') or contains(@class, 'errorlist') or contains(@class, 'alert')]"
    )
    return " | ".join(" ".join(el.text_content().split()) for el in found) or "no error shown"


def _public_contacts(anonymous) -> list:
    from channels_log.cases.models import Case

    cases = []
    for kind, name, subject, body in [
        (
            "complaint",
            "مريم عبدالله",
            "تأخر الرد على طلبي",
            "تقدمت بطلب مساعدة قبل شهر ولم يتواصل معي أحد حتى الآن رغم اتصالي أكثر من مرة.",
        ),
        (
            "inquiry",
            "Ahmed Saleh",
            "مواعيد استقبال الطلبات",
            "ما هي أيام وساعات استقبال طلبات السلال الغذائية في فرع الرياض؟",
        ),
    ]:
        form = _form_with(anonymous, "/contact/", "body")
        before = set(Case.objects.values_list("pk", flat=True))
        _submit(anonymous, form, {"kind": kind, "name": name, "mobile": "0551234567", "subject": subject, "body": body})
        case = Case.objects.exclude(pk__in=before).get()
        if case.contact.recorded_by_id is not None:
            raise WorldError("a public message should have no staff member as its recorder")
        cases.append(case)
    return cases


def _low_score_answer(officer_client, anonymous) -> tuple[str, str, object]:
    """The officer prints an in-person survey link for a request; the beneficiary answers it with low scores."""
    from requests_app.models import SupportRequest
    from surveys.models import Invitation, Question, Response

    answered = Response.objects.exclude(support_request=None).values("support_request")
    support_request = SupportRequest.objects.exclude(number=None).exclude(pk__in=answered).order_by("-pk").first()
    if support_request is None:
        raise WorldError("seed_demo left no numbered request without a survey answer")
    form = _form_with(officer_client, "/surveys/invitations/in-person/", "request_number")
    before = set(Invitation.objects.values_list("pk", flat=True))
    _submit(officer_client, form, {"request_number": support_request.number})
    invitation = Invitation.objects.exclude(pk__in=before).get()
    url = invitation.get_absolute_url()

    questions = list(invitation.version.questions.prefetch_related("choices"))
    form = _form_with(anonymous, url, questions[0].field_name)
    values = {}
    for question in questions:
        name = question.field_name
        if question.kind in Question.RANGES:
            values[name] = str(Question.RANGES[question.kind][0])  # the lowest score
        elif question.kind == Question.Kind.TEXT:
            values[name] = "انتظرت طويلًا ولم يرد أحد على اتصالاتي."
        elif question.kind in Question.CHOICE_KINDS:
            values[name] = str(list(question.choices.all())[-1].pk)
    # The follow-up is the reaction to the answer's commit (low_score_recorded): run what the commit runs.
    with TestCase.captureOnCommitCallbacks(execute=True):
        _submit(anonymous, form, values)
    response = Response.objects.get(support_request=support_request)
    if not response.is_low or response.follow_up is None or not hasattr(response.follow_up, "case"):
        raise WorldError("a low-score answer should open a follow-up contact and case")

    open_invitation = (
        Invitation.objects.filter(used_at=None, expires_at__gt=timezone.now())
        .exclude(beneficiary=None)
        .order_by("-pk")
        .first()
    ) or Invitation.objects.filter(used_at=None, expires_at__gt=timezone.now()).order_by("-pk").first()
    if open_invitation is None:
        raise WorldError("seed_demo left no open survey invitation")
    return open_invitation.get_absolute_url(), url, response.follow_up


def _admin_rows(admin_client) -> list:
    """A holiday added in Django admin. Contacts are not added there: they are recorded through
    ``contact_record`` only (its rules, the case it opens), and the admin's add page refuses."""
    from association.models import OfficialHoliday

    form = _form_with(admin_client, "/admin/association/officialholiday/add/", "name")
    _submit(admin_client, form, {"name": "إجازة عيد الفطر", "date": "2027-03-10", "_save": "1"})
    holiday = OfficialHoliday.objects.get(name="إجازة عيد الفطر")
    if admin_client.get("/admin/channels_log/contactentry/add/").status_code != 403:
        raise WorldError("the admin should not add contact entries around contact_record")
    return [holiday]


def _send_messages():
    """Hand every due message to its gateway with the real delivery service, as the worker would."""
    from channels_log.messaging.models import OutgoingMessage
    from channels_log.messaging.services import message_deliver, messages_sweep

    messages_sweep()
    due = OutgoingMessage.objects.filter(status=OutgoingMessage.Status.QUEUED, next_attempt_at__lte=timezone.now())
    for pk in list(due.values_list("pk", flat=True)):
        message_deliver(message_id=pk)
    sent = OutgoingMessage.objects.filter(status=OutgoingMessage.Status.SENT).order_by("-pk").first()
    if sent is None:
        raise WorldError("no outgoing message was sent")
    return sent


def build_world() -> World:
    """Runs inside the caller's transaction. Work queued for after commit (events, message dispatch) runs
    at once, and Celery runs its tasks in this process, so each row is what the real flow leaves."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", stdout=io.StringIO())
        User = get_user_model()
        users = {actor: (User.objects.get(username=name) if name else None) for actor, name in ACTOR_USERS.items()}
        anonymous = guard_client()
        officer = guard_client()
        officer.force_login(users[Role.RELATIONS_OFFICER.value])
        admin = guard_client()
        admin.force_login(users["superuser"])
        with TestCase.captureOnCommitCallbacks(execute=True):
            public_cases = _public_contacts(anonymous)
        open_url, answered_url, follow_up = _low_score_answer(officer, anonymous)
        with TestCase.captureOnCommitCallbacks(execute=True):
            [holiday] = _admin_rows(admin)
        with TestCase.captureOnCommitCallbacks(execute=True):
            sent = _send_messages()
    finally:
        celery_app.conf.task_always_eager = eager
    return World(
        users=users,
        public_case_references=[case.reference for case in public_cases],
        survey_open_url=open_url,
        survey_answered_url=answered_url,
        staff_pages=_staff_pages(public_cases, follow_up, holiday, sent),
    )


def _staff_pages(public_cases, follow_up, holiday, sent_message) -> list[str]:
    from django.urls import reverse

    pages = []
    for case in [*public_cases, follow_up.case]:
        pages += [
            reverse("channels_log:case_detail", args=[case.pk]),
            reverse("channels_log:contact_detail", args=[case.contact_id]),
        ]
    for entry in (follow_up,):
        pages += [
            reverse("channels_log:contact_detail", args=[entry.pk]),
            reverse("beneficiaries:detail", args=[entry.beneficiary.public_id]),
            reverse("beneficiaries:timeline", args=[entry.beneficiary.public_id]),
        ]
    pages += [
        reverse("channels_log:message_detail", args=[sent_message.pk]),
        reverse("channels_log:list"),
        reverse("admin:association_officialholiday_change", args=[holiday.pk]),
    ]
    return list(dict.fromkeys(pages))
