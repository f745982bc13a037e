"""Staff pages for outgoing messages: the delivery log, one message with its history, retry, and a
beneficiary's message preferences."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from association.kernel.pagination import paginate
from association.kernel.permissions import staff_view
from beneficiaries.models import Beneficiary

from . import services
from .forms import MessagePreferenceForm
from .models import MessageChannel, MessagePreference, OutgoingMessage
from .registry import message_event_choices, message_subjects_describe


def _filtered(request):
    queryset = OutgoingMessage.objects.visible_to(request.user).select_related("beneficiary", "user")
    selected = {}
    for name, allowed in (
        ("status", OutgoingMessage.Status.values),
        ("channel", MessageChannel.values),
        ("event", [code for code, _label in message_event_choices()]),
    ):
        value = request.GET.get(name, "")
        if value in allowed:
            queryset = queryset.filter(**{name: value})
            selected[name] = value
    return queryset, selected


@staff_view("channels_log.view_outgoingmessage")
def message_list(request):
    queryset, selected = _filtered(request)
    page = paginate(request, queryset)
    # What each message is about, linked: one read per kind of record on the page (the producers describe them).
    message_subjects_describe(page.object_list)
    return render(
        request,
        "channels_log/messages/list.html",
        {
            "page": page,
            "statuses": OutgoingMessage.Status.choices,
            "channels": MessageChannel.choices,
            "events": message_event_choices(),
            "selected": selected,
            "can_retry": request.user.has_perm("channels_log.retry_outgoingmessage"),
        },
    )


@staff_view("channels_log.view_outgoingmessage")
def message_detail(request, pk):
    message = get_object_or_404(
        OutgoingMessage.objects.visible_to(request.user).select_related("beneficiary", "user"), pk=pk
    )
    message_subjects_describe([message])
    return render(
        request,
        "channels_log/messages/detail.html",
        {
            "message": message,
            "log": message.log.select_related("actor"),
            "can_retry": request.user.has_perm("channels_log.retry_outgoingmessage"),
        },
    )


@require_POST
@staff_view("channels_log.view_outgoingmessage", "channels_log.retry_outgoingmessage")
def message_retry(request, pk):
    message = get_object_or_404(OutgoingMessage.objects.visible_to(request.user), pk=pk)
    try:
        services.message_retry(message=message, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The message is queued to be sent again."))
    return redirect("channels_log:message_detail", pk=message.pk)


@staff_view("beneficiaries.view_beneficiary", "channels_log.change_messagepreference")
def message_preferences(request, public_id):
    beneficiary = get_object_or_404(Beneficiary, public_id=public_id)
    instance = MessagePreference.objects.filter(beneficiary=beneficiary).first() or MessagePreference(
        beneficiary=beneficiary
    )
    form = MessagePreferenceForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.message_preference_set(beneficiary=beneficiary, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The message preferences are saved."))
        return redirect(beneficiary.get_absolute_url() + "#messages")
    return render(
        request,
        "channels_log/messages/preferences.html",
        {"form": form, "beneficiary": beneficiary},
        status=400 if form.errors else 200,
    )
