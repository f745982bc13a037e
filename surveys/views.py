from functools import wraps

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from association.kernel import spreadsheets
from association.kernel.errors import apply_to_form
from association.kernel.form_tokens import once_per_form
from association.kernel.numbers import XLSX_DECIMAL, XLSX_PERCENT
from association.kernel.pagination import paginate
from association.kernel.permissions import staff_view

from . import selectors, services
from .forms import (
    ActionForm,
    ActionStatusForm,
    BatchForm,
    InPersonForm,
    QuestionForm,
    ResponseForm,
    ResultsFilterForm,
    SurveyCreateForm,
    VersionForm,
)
from .models import ImprovementAction, Invitation, Question, Survey, SurveyVersion

# --- Public page: the beneficiary's questionnaire ---------------------------------------------------


def private_page(view):
    """Every answer of the public page — form, thanks, used, expired, unknown — leaks the token to no
    one: no Referer to other sites, nothing kept in caches or the back-forward cache of a shared phone.

    ``?lang=ar|en`` switches the language on the page itself (and remembers it in the language cookie):
    Django's ``set_language`` is a CSRF-checked POST, which a no-referrer page cannot pass (below)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        lang = request.GET.get("lang")
        if lang in dict(settings.LANGUAGES):
            with translation.override(lang):
                request.LANGUAGE_CODE = lang
                response = view(request, *args, **kwargs)
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, lang, max_age=365 * 24 * 3600, samesite="Lax")
        else:
            response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        response["Cache-Control"] = "no-store"
        return response

    return wrapped


# No CSRF token: under ``Referrer-Policy: no-referrer`` browsers send ``Origin: null`` with the POST,
# which Django's CSRF check refuses. The page needs none: a forged POST must already carry the secret,
# single-use token of the URL, and there is no session or login to ride on.
@csrf_exempt
@private_page
def answer(request, token):
    invitation = Invitation.objects.select_related("version").filter(token=token).first() if len(token) <= 64 else None
    if invitation is None:
        return render(request, "surveys/public/unknown.html", status=404)
    if request.GET.get("done") == "1" and invitation.is_used:
        return render(request, "surveys/public/thanks.html", {"version": invitation.version})
    if invitation.is_used:
        return render(request, "surveys/public/unavailable.html", {"reason": "used"}, status=410)
    if invitation.is_expired():
        return render(request, "surveys/public/unavailable.html", {"reason": "expired"}, status=410)
    if services.request_already_answered(invitation):
        return render(request, "surveys/public/unavailable.html", {"reason": "answered"}, status=410)
    version = invitation.version
    form = ResponseForm(request.POST or None, version=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_submit(token=token, answers=form.answers(), language=get_language() or "")
        except services.InvitationUnavailable as exc:
            return render(request, "surveys/public/unavailable.html", {"reason": exc.reason}, status=410)
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            lang = request.GET.get("lang")
            return redirect(
                invitation.get_absolute_url()
                + "?done=1"
                + (f"&lang={lang}" if lang in dict(settings.LANGUAGES) else "")
            )
    return render(request, "surveys/public/answer.html", {"version": version, "form": form})


# --- Survey builder ---------------------------------------------------------------------------------


@staff_view("surveys.view_survey")
def survey_list(request):
    return render(request, "surveys/survey_list.html", {"page": paginate(request, selectors.survey_list())})


@staff_view("surveys.add_survey")
@once_per_form
def survey_new(request):
    form = SurveyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("The survey is created as a draft. Add its questions."))
            return redirect(survey.versions.get().get_absolute_url())
    return render(request, "surveys/survey_new.html", {"form": form})


@staff_view("surveys.view_survey")
def survey_detail(request, pk):
    survey = get_object_or_404(Survey, pk=pk)
    versions = selectors.survey_versions(survey)
    return render(request, "surveys/survey_detail.html", {"survey": survey, "versions": versions})


def _version_page(request, version, *, version_form=None, question_form=None, status=200):
    version = (
        SurveyVersion.objects.select_related("survey")
        .prefetch_related(Prefetch("questions", queryset=Question.objects.prefetch_related("choices")))
        .get(pk=version.pk)
    )
    can_edit = version.is_editable and request.user.has_perm("surveys.change_survey")
    context = {
        "version": version,
        "survey": version.survey,
        "can_edit": can_edit,
        "version_form": version_form or (VersionForm(instance=version) if can_edit else None),
        "question_form": question_form or (QuestionForm() if can_edit else None),
    }
    return render(request, "surveys/version.html", context, status=status)


@staff_view("surveys.view_survey")
def version_detail(request, pk):
    return _version_page(request, get_object_or_404(SurveyVersion, pk=pk))


@staff_view("surveys.change_survey")
@require_POST
def version_edit(request, pk):
    version = get_object_or_404(SurveyVersion, pk=pk)
    form = VersionForm(request.POST, instance=SurveyVersion.objects.get(pk=pk))
    if form.is_valid():
        try:
            services.version_update(version=version, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("The version is saved."))
            return redirect(version.get_absolute_url())
    return _version_page(request, version, version_form=form, status=400)


@staff_view("surveys.change_survey")
@require_POST
@once_per_form
def question_add(request, pk):
    version = get_object_or_404(SurveyVersion, pk=pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_add(version=version, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("The question is added."))
            return redirect(version.get_absolute_url() + "#questions")
    return _version_page(request, version, question_form=form, status=400)


@staff_view("surveys.change_survey")
@require_POST
def question_move(request, pk):
    question = get_object_or_404(Question.objects.select_related("version"), pk=pk)
    try:
        services.question_move(question=question, direction=request.POST.get("direction", ""), actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(question.version.get_absolute_url() + "#questions")


@staff_view("surveys.change_survey")
@require_POST
def question_delete(request, pk):
    question = get_object_or_404(Question.objects.select_related("version"), pk=pk)
    try:
        services.question_delete(question=question, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The question is removed."))
    return redirect(question.version.get_absolute_url() + "#questions")


@staff_view("surveys.change_survey")
@require_POST
def version_publish(request, pk):
    version = get_object_or_404(SurveyVersion, pk=pk)
    try:
        services.version_publish(version=version, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The version is published and frozen. New invitations use it."))
    return redirect(version.get_absolute_url())


@staff_view("surveys.change_survey")
@require_POST
def version_new(request, pk):
    survey = get_object_or_404(Survey, pk=pk)
    draft = services.version_new_draft(survey=survey, actor=request.user)
    messages.success(request, _("Version %(number)s is a draft: edit it, then publish it.") % {"number": draft.number})
    return redirect(draft.get_absolute_url())


# --- Invitations ------------------------------------------------------------------------------------


@staff_view("surveys.view_invitation")
def invitation_list(request):
    state = request.GET.get("state")
    now = timezone.now()
    queryset = selectors.invitation_list(state=state, now=now)
    return render(
        request, "surveys/invitation_list.html", {"page": paginate(request, queryset), "state": state, "now": now}
    )


@staff_view("surveys.add_invitation")
@once_per_form
def invitation_batch(request):
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.invitations_batch(
                survey=form.cleaned_data["survey"],
                beneficiaries=list(form.beneficiaries()),
                send_channel=form.cleaned_data["send_channel"],
                actor=request.user,
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(
                request, _("%(count)s invitations are created; the next sweep sends them.") % {"count": len(created)}
            )
            return redirect("surveys:invitations")
    return render(request, "surveys/invitation_batch.html", {"form": form})


@staff_view("surveys.add_invitation")
@once_per_form
def invitation_in_person(request):
    form = InPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_in_person(
                survey=form.cleaned_data["survey"],
                support_request=form.cleaned_data["request_number"],
                actor=request.user,
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            return redirect("surveys:invitation_print", pk=invitation.pk)
    return render(request, "surveys/invitation_in_person.html", {"form": form})


@staff_view("surveys.view_invitation")
def invitation_print(request, pk):
    invitation = get_object_or_404(Invitation.objects.select_related("version__survey"), pk=pk)
    return render(request, "surveys/invitation_print.html", {"invitation": invitation})


@staff_view("surveys.view_invitation")
def invitation_qr(request, pk):
    invitation = get_object_or_404(Invitation, pk=pk)
    image = qrcode.make(invitation.absolute_url(), image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    response = HttpResponse(image.to_string(encoding="unicode"), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


# --- Results ----------------------------------------------------------------------------------------


def _results_context(request):
    form = ResultsFilterForm(request.GET or None)
    context = selectors.results_summary(form.cleaned_data if form.is_valid() else {})
    context["form"] = form
    return context


@staff_view("surveys.view_results")
def results_dashboard(request):
    context = _results_context(request)
    context["comments"] = paginate(request, selectors.comments(context["responses"]), per_page=10)
    context["query"] = request.GET.urlencode()
    return render(request, "surveys/results.html", context)


@staff_view("surveys.view_results")
def results_export(request):
    """The dashboard's figures and every answer, through the one safe writer: an answer typed as
    ``=HYPERLINK(…)`` stays text in the workbook."""
    context = _results_context(request)
    overall = context["overall"]

    def figures(row):
        # Numbers stay numbers; the format says how to show them (association.kernel.numbers: «87.5%», «-33.3»).
        return [row.responses, spreadsheets.Number(row.csat, XLSX_PERCENT), spreadsheets.Number(row.nps, XLSX_DECIMAL)]

    summary = [[_("All"), "", *figures(overall)]]
    for title, key in (
        (_("Month"), "by_month"),
        (_("Request type"), "by_service"),
        (_("Channel"), "by_channel"),
        (_("Source"), "by_trigger"),
        (_("Collected via"), "by_collection"),
    ):
        summary += [[title, row.label, *figures(row)] for row in context[key]]
    rate = context["rate"]
    summary += [
        [],
        [
            _("Invitations issued"),
            rate["issued"],
            _("Answered"),
            rate["answered"],
            spreadsheets.Number(rate["rate"], XLSX_PERCENT),
        ],
    ]
    content = spreadsheets.xlsx_bytes(
        [
            spreadsheets.Sheet(
                _("Summary"), [_("Breakdown"), _("Group"), _("Responses"), _("CSAT %"), _("NPS")], summary
            ),
            spreadsheets.Sheet(
                _("Answers"),
                [
                    _("Response"),
                    _("Survey"),
                    _("Version"),
                    _("Date"),
                    _("Request type"),
                    _("Channel"),
                    _("Source"),
                    _("Collected via"),
                    _("Anonymous"),
                    _("Question"),
                    _("Answer"),
                ],
                selectors.export_rows(context["responses"]),
            ),
        ]
    )
    download = HttpResponse(content, content_type=spreadsheets.XLSX_CONTENT_TYPE)
    download["Content-Disposition"] = f'attachment; filename="survey-results-{timezone.localdate():%Y%m%d}.xlsx"'
    return download


# --- Improvement actions ----------------------------------------------------------------------------


@staff_view("surveys.view_improvementaction")
def action_list(request):
    status = request.GET.get("status")
    queryset = selectors.improvement_action_list(status=status)
    return render(
        request,
        "surveys/action_list.html",
        {
            "page": paginate(request, queryset),
            "statuses": ImprovementAction.Status.choices,
            "selected": status,
        },
    )


@staff_view("surveys.add_improvementaction")
@once_per_form
def action_new(request):
    initial = {}
    if request.GET.get("survey", "").isdigit():
        initial["survey"] = request.GET["survey"]
    form = ActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.improvement_action_create(data=form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("The improvement action is recorded."))
            return redirect("surveys:actions")
    return render(request, "surveys/action_form.html", {"form": form})


@staff_view("surveys.change_improvementaction")
def action_edit(request, pk):
    action = get_object_or_404(ImprovementAction, pk=pk)
    form = ActionForm(request.POST or None, instance=ImprovementAction.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.improvement_action_update(action=action, data=form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("The improvement action is saved."))
            return redirect("surveys:actions")
    return render(
        request,
        "surveys/action_form.html",
        {"form": form, "action": action, "next_statuses": services.improvement_action_moves(action, user=request.user)},
    )


@staff_view("surveys.change_improvementaction")
@require_POST
def action_status(request, pk):
    action = get_object_or_404(ImprovementAction, pk=pk)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.improvement_action_update(
                action=action, data={}, status=form.cleaned_data["status"], actor=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The status is changed."))
    else:
        messages.error(request, _("Choose a valid status."))
    return redirect("surveys:action_edit", pk=action.pk)
