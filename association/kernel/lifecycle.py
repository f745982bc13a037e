"""The one state-machine step: every status change of every lifecycle goes through ``transition``.

A lifecycle is a table: ``{status: {next_status: permission}}``; the permission is a codename
(``"requests_app.decide_supportrequest"``), a tuple of codenames (all needed), or ``None`` (the table alone
decides). A set ``{status: {next_status, ...}}`` is a table without permissions. The step, in one
transaction:

1. re-read the row under a lock (``select_for_update``): two people acting at once are serialised, and the
   second sees the first one's status;
2. check the table (``ValidationError`` with code ``invalid_transition`` when the step is not in it) and the
   permission it names (``permissions.authorize``: ``PermissionDenied``);
3. set the status and ``fields``, ``full_clean()``, save with ``update_fields``;
4. write the append-only audit row (old, new, actor, reason, at);
5. publish ``event`` after commit (``events.publish``), with the object's id.
"""

from collections.abc import Callable, Mapping

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import events
from .permissions import authorize


def allowed(table: Mapping, old: str, new: str) -> bool:
    return new in table.get(old, ())


def required_permissions(table: Mapping, old: str, new: str) -> tuple[str, ...]:
    step = table.get(old, ())
    perms = step.get(new) if isinstance(step, Mapping) else None
    if not perms:
        return ()
    return (perms,) if isinstance(perms, str) else tuple(perms)


def transition(
    obj: models.Model,
    *,
    to: str,
    actor,
    table: Mapping,
    reason: str = "",
    audit: Callable[..., object] | type[models.Model] | None,
    event: str | None = None,
    event_ids: dict | None = None,
    now=None,
    status_field: str = "status",
    **fields,
) -> models.Model:
    """Move ``obj`` to ``to``; returns the saved row (``obj`` gets the new values too).

    ``audit``: a model with ``old_status``, ``new_status``, ``actor``, ``reason``, ``at`` and a foreign key to
    ``obj``'s model, or a callable ``audit(obj=, old=, new=, actor=, reason=, at=)``; ``None`` only for a
    lifecycle whose history is written elsewhere. ``event_ids`` defaults to ``{"<model>_id": pk}``."""
    now = now or timezone.now()
    model = type(obj)
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=obj.pk)
        old = getattr(locked, status_field)
        if not allowed(table, old, to):
            raise ValidationError(_("This step cannot be taken from the current status."), code="invalid_transition")
        perms = required_permissions(table, old, to)
        if perms:  # a step the table gives no permission is the system's (a sweep) or checked by the caller
            authorize(actor, *perms, obj=locked)
        setattr(locked, status_field, to)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean()
        update_fields = [status_field, *fields, *_auto_now_fields(model)]
        locked.save(update_fields=list(dict.fromkeys(update_fields)))
        _write_audit(audit, locked, old=old, new=to, actor=actor, reason=reason, at=now)
        if event:
            events.publish(event, **(event_ids or {f"{model._meta.model_name}_id": locked.pk}))
    for name in [status_field, *fields, *_auto_now_fields(model)]:
        setattr(obj, name, getattr(locked, name))
    return locked


def _auto_now_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]


def _write_audit(audit, obj, *, old, new, actor, reason, at):
    if audit is None:
        return None
    if isinstance(audit, type) and issubclass(audit, models.Model):
        link = next(f.name for f in audit._meta.concrete_fields if f.is_relation and f.related_model is type(obj))
        return audit._default_manager.create(
            **{link: obj}, old_status=old, new_status=new, actor=actor, reason=reason, at=at
        )
    return audit(obj=obj, old=old, new=new, actor=actor, reason=reason, at=at)
