"""What a user may do next on an object, as data the pages render.

Each app has one domain function per object that answers "which actions may this user take now, the
natural next one first" (``requests_app.services.request_actions``, ``channels_log.cases.services.case_actions``).
The view only attaches the forms; ``templates/includes/actions.html`` shows the first action and keeps the
rest behind «More actions». No page decides by itself what is allowed and no template compares a status.
"""

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Action:
    code: str  # stable: the form prefix, and the page ids ``form-<code>`` / ``btn-<code>``
    label: str  # the button
    url: str  # where the form posts (or where the link goes, for ``method="get"``)
    method: str = "post"  # "get" renders a link to a page of its own
    style: str = "primary"  # Bootstrap button style of the primary action; the rest are outlined
    hint: str = ""  # one line above the button
    title: str = ""  # heading of the action's card (omitted when empty)
    detail_template: str = ""  # optional include shown above the form fields (gets the page context)
    form: Any = None  # attached by the view: ``with_forms``

    @property
    def is_link(self) -> bool:
        return self.method == "get"


def with_forms(actions: list[Action], forms: dict) -> list[Action]:
    """Attach to each action the form of the same code (a bound one that failed keeps its errors)."""
    return [replace(action, form=forms.get(action.code)) for action in actions]


@dataclass(frozen=True)
class ActionMenu:
    """The first action shown in full, the others on demand."""

    actions: tuple[Action, ...]

    @classmethod
    def of(cls, actions, forms: dict | None = None) -> "ActionMenu":
        actions = list(actions)
        return cls(tuple(with_forms(actions, forms) if forms is not None else actions))

    def __bool__(self) -> bool:
        return bool(self.actions)

    @property
    def primary(self) -> Action | None:
        return self.actions[0] if self.actions else None

    @property
    def more(self) -> tuple[Action, ...]:
        return self.actions[1:]

    @property
    def more_open(self) -> bool:
        """A refused action further down stays open, so its errors are seen next to its fields."""
        return any(action.form is not None and action.form.is_bound and action.form.errors for action in self.more)

    @property
    def codes(self) -> list[str]:
        return [action.code for action in self.actions]
