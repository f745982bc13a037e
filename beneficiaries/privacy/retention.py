"""Record kinds a retention period can be set for (registry slot ``retention_kinds``).

Each app that keeps personal data registers its kinds in its ``AppConfig.ready``:
``registry.register("retention_kinds", provider)`` where ``provider() -> RetentionKind``. The sweep
(``services.retention_sweep``) calls ``kind.sweep(cutoff=..., held=..., now=...)`` with the moment before
which records are due and the ids of the beneficiaries whose data must stay (legal holds, open requests);
the kind anonymises what is due, never a held person's records, and returns how many records it changed.
A second run changes nothing (what was anonymised is no longer due).
"""

from collections.abc import Callable
from dataclasses import dataclass

from association.kernel import registry

SLOT = "retention_kinds"


@dataclass(frozen=True)
class RetentionKind:
    code: str
    label: str
    sweep: Callable[..., int]


def retention_kinds() -> dict[str, RetentionKind]:
    return {kind.code: kind for kind in registry.collect(SLOT)}


def kind_label(code: str) -> str:
    kind = retention_kinds().get(code)
    return str(kind.label) if kind else code
