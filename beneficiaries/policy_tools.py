"""The registry's records a policy tool may link to: document types (slot ``policy_tool_targets`` of
``association.policy.tools``, registered in ``BeneficiariesConfig.ready``). The policy stores the kind and the
document type's id; it imports nothing from here."""

from association.policy.tools import ToolTargetKind

from .models import DocumentType

KIND = "document_type"


def document_type_choices() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in DocumentType.objects.order_by("name", "pk").values_list("pk", "name")]


def document_type_names(refs: list[str]) -> dict[str, str]:
    ids = {int(ref) for ref in refs if ref.isdecimal()}
    return {str(pk): name for pk, name in DocumentType.objects.filter(pk__in=ids).values_list("pk", "name")}


def document_type_target() -> ToolTargetKind:
    return ToolTargetKind(
        code=KIND,
        label=DocumentType._meta.verbose_name,
        choices=document_type_choices,
        names=document_type_names,
    )
