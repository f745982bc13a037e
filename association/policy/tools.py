"""What a tool the policy names links to, without the policy knowing the apps that hold it.

A ``PolicyToolLink`` stores a page (``url``) and/or a target: a kind (``target_kind``, e.g. ``"document_type"``)
and a reference within that kind (``target_ref``, e.g. a document type's id). The apps above the association
layer say what their kinds are: each registers a provider in the kernel registry's ``policy_tool_targets`` slot
(in its ``AppConfig.ready``) returning a ``ToolTargetKind``: its code, its label, the choices an admin picks
from, and how to name a set of references (one query for all of them). The policy page shows the names; a
reference whose record is gone shows nothing, as an empty link would.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..kernel import registry

SLOT = "policy_tool_targets"


@dataclass(frozen=True)
class ToolTargetKind:
    """A kind of record a policy tool may link to (slot ``policy_tool_targets``)."""

    code: str  # stored in PolicyToolLink.target_kind
    label: str  # what the record is, in words («نوع المستند»)
    choices: Callable[[], list[tuple[str, str]]]  # (reference, name) of every record an admin may pick
    names: Callable[[list[str]], dict[str, str]]  # references → names, one query; unknown references left out


def target_kinds() -> dict[str, ToolTargetKind]:
    """The registered kinds, by code."""
    return {kind.code: kind for kind in registry.collect(SLOT)}


def target_value(kind: str, ref: str) -> str:
    """``kind`` and ``ref`` as one choice value (``"document_type:3"``); "" for no target."""
    return f"{kind}:{ref}" if kind and ref else ""


def split_target(value: str) -> tuple[str, str]:
    kind, _sep, ref = (value or "").partition(":")
    return (kind, ref) if kind and ref else ("", "")


def target_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every record a tool may link to, grouped by kind (for a select with option groups)."""
    return [
        (str(kind.label), [(target_value(kind.code, ref), name) for ref, name in kind.choices()])
        for kind in target_kinds().values()
    ]


def resolve_targets(links: Iterable) -> None:
    """Set ``target_label`` (the kind in words) and ``target_name`` (the record's name, "" when unknown) on each
    link; one query per kind present, not one per link."""
    links = list(links)
    kinds = target_kinds()
    refs: dict[str, list[str]] = defaultdict(list)
    for link in links:
        if link.target_kind in kinds and link.target_ref:
            refs[link.target_kind].append(link.target_ref)
    names = {code: kinds[code].names(sorted(set(found))) for code, found in refs.items()}
    for link in links:
        kind = kinds.get(link.target_kind)
        link.target_name = names.get(link.target_kind, {}).get(link.target_ref, "")
        link.target_label = str(kind.label) if kind and link.target_name else ""
