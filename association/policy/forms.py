"""Forms of the policy screens: the version's data, its sections, the board approval, the import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..kernel.forms import DualDateField, PortalForm, PortalModelForm
from .models import PolicySection, PolicyToolLink
from .procedure import Decider
from .tools import split_target, target_choices, target_value

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _channel_choices():
    from ..channels import Channel

    return [(c.code, f"{c.name_ar} ({c.code})") for c in Channel.objects.order_by("order", "pk")]


PROCEDURE_FIELDS = (
    "individual_requests",
    "program_requests",
    "volunteer_proposals",
    "individual_decider",
    "individual_decider_name",
    "decision_window_days",
    "quorum",
    "programs_decider",
    "programs_decider_name",
    "supervising_body",
)


class PolicyVersionForm(PortalForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    association_name = forms.CharField(label=_("Association named in the document"), max_length=200, required=False)
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("On approval these become the active channels of the contact log."),
    )
    tools = forms.CharField(
        label=_("Tools"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One tool per line."),
    )
    # The procedure profile (``association.policy.procedure``), shown in its own group (``procedure_fields``).
    individual_requests = forms.BooleanField(label=_("Runs individual support requests"), required=False, initial=True)
    program_requests = forms.BooleanField(
        label=_("Receives program and project requests (community, supervising body)"), required=False, initial=True
    )
    volunteer_proposals = forms.BooleanField(
        label=_("Receives volunteers' program proposals"), required=False, initial=True
    )
    individual_decider = forms.ChoiceField(
        label=_("Who decides individual requests"), choices=Decider.choices, initial=Decider.COMMITTEE
    )
    individual_decider_name = forms.CharField(
        label=_("Name of the deciding body"),
        max_length=200,
        required=False,
        help_text=_("As the policy names it; empty means the usual name (e.g. «لجنة البحث»)."),
    )
    decision_window_days = forms.IntegerField(
        label=_("Decision window (days)"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_("Empty means no window: the decision may come as soon as the request is ready."),
    )
    quorum = forms.IntegerField(
        label=_("Committee quorum"),
        required=False,
        min_value=1,
        max_value=99,
        help_text=_("Votes needed before the committee decides; empty means the committee settings' quorum."),
    )
    programs_decider = forms.ChoiceField(
        label=_("Who decides program proposals"), choices=Decider.choices, initial=Decider.MANAGER
    )
    programs_decider_name = forms.CharField(
        label=_("Name of the programs' deciding body"), max_length=200, required=False
    )
    supervising_body = forms.CharField(
        label=_("Supervising body"),
        max_length=200,
        required=False,
        help_text=_("e.g. «وزارة الموارد البشرية والتنمية الاجتماعية»"),
    )
    board_meeting = forms.IntegerField(label=_("Board meeting (ordinal)"), required=False, min_value=1, max_value=999)
    board_session = forms.IntegerField(label=_("Session"), required=False, min_value=1, max_value=999)
    decision_number = forms.CharField(label=_("Decision number"), max_length=50, required=False)
    approval_date = DualDateField(label=_("Approval date"), required=False)
    signatory_name = forms.CharField(label=_("Signatory name"), max_length=200, required=False)
    signatory_title = forms.CharField(label=_("Signatory title"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].choices = _channel_choices()

    def clean_tools(self):
        return _lines(self.cleaned_data["tools"])

    def clean(self):
        data = super().clean()
        if data.get("quorum") and data.get("individual_decider") not in (None, Decider.COMMITTEE):
            self.add_error("quorum", _("A quorum applies only when a committee decides; leave it empty."))
        if not any(data.get(name) for name in ("individual_requests", "program_requests", "volunteer_proposals")):
            self.add_error("individual_requests", _("Choose at least one procedure the association runs."))
        return data

    def version_fields(self):
        return [field for field in self if field.name not in PROCEDURE_FIELDS]

    def procedure_fields(self):
        return [field for field in self if field.name in PROCEDURE_FIELDS]

    @classmethod
    def initial_for(cls, version) -> dict:
        return {
            "title": version.title,
            "association_name": version.association_name,
            "channels": list(version.channels),
            "tools": "\n".join(version.tools),
            **{name: getattr(version, name) for name in PROCEDURE_FIELDS},
            "board_meeting": version.board_meeting,
            "board_session": version.board_session,
            "decision_number": version.decision_number,
            "approval_date": version.approval_date,
            "signatory_name": version.signatory_name,
            "signatory_title": version.signatory_title,
        }


class PolicySectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PolicySection.Kind.choices)
    heading = forms.CharField(label=_("Heading"), max_length=300, required=False)
    paragraphs = forms.CharField(
        label=_("Paragraphs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One paragraph per line."),
    )
    items = forms.CharField(
        label=_("List items"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One item per line."),
    )

    def clean(self):
        data = super().clean()
        data["paragraphs"] = _lines(data.get("paragraphs", ""))
        data["items"] = _lines(data.get("items", ""))
        if (data["paragraphs"] or data["items"]) and not (data.get("heading") or "").strip():
            self.add_error("heading", _("Every section needs a heading."))
        return data


class BaseSectionFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.sections():
            raise forms.ValidationError(_("A policy needs at least one section."))

    def sections(self) -> list[dict]:
        result = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or not (data.get("heading") or "").strip():
                continue
            result.append({k: data[k] for k in ("kind", "heading", "paragraphs", "items")})
        return result


# A forged row count builds at most MAX_SECTIONS rows (Django's default would build 2,000).
MAX_SECTIONS = 300
SectionFormSet = forms.formset_factory(
    PolicySectionForm,
    formset=BaseSectionFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_SECTIONS,
    absolute_max=MAX_SECTIONS,
    validate_max=True,
)


def section_initial(sections) -> list[dict]:
    return [
        {"kind": s.kind, "heading": s.heading, "paragraphs": "\n".join(s.paragraphs), "items": "\n".join(s.items)}
        for s in sections
    ]


class PolicyApproveForm(PortalForm):
    board_meeting = forms.IntegerField(label=_("Board meeting (ordinal)"), min_value=1, max_value=999)
    board_session = forms.IntegerField(label=_("Session"), required=False, min_value=1, max_value=999)
    decision_number = forms.CharField(label=_("Decision number"), max_length=50, required=False)
    approval_date = DualDateField(label=_("Approval date"))
    signatory_name = forms.CharField(label=_("Signatory name"), max_length=200)
    signatory_title = forms.CharField(label=_("Signatory title"), max_length=200)


class PolicyImportForm(PortalForm):
    file = forms.FileField(label=_("Policy file"), help_text=_("A .txt, .docx or .pdf file."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        if not upload.name.lower().endswith((".txt", ".docx", ".pdf")):
            raise forms.ValidationError(_("Choose a .txt, .docx or .pdf file."))
        return upload


class PolicyToolLinkForm(PortalModelForm):
    """The admin's form for a tool link: its record is picked from the kinds the apps register
    (``association.policy.tools``), stored as kind and reference."""

    target = forms.ChoiceField(label=_("Linked record"), required=False)

    class Meta:
        model = PolicyToolLink
        fields = ["name", "target", "url"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", "---------"), *target_choices()]
        self.initial.setdefault("target", target_value(self.instance.target_kind, self.instance.target_ref))

    def _post_clean(self):
        self.instance.target_kind, self.instance.target_ref = split_target(self.cleaned_data.get("target", ""))
        super()._post_clean()
