"""What the outbox is told by the apps that send through it: their message events and what a message is about.

The outbox knows no other app. Each producer registers, in its ``AppConfig.ready``:

- its **events** (``message_event_register``): the stable code stored on templates and messages, the label
  staff read, whether the message is essential (a request's status, a decision, an answer: always sent) or
  may be declined (surveys, reminders: not sent to a beneficiary who opted out of non-essential messages or
  withdrew the consent ``consent_purpose`` names), the kind of record a message of this event is about
  (``subject_kind``), the default wording (``texts``: per language, the email subject and the text; the SMS
  and email bodies are built around it) and sample values for the template preview (``sample``);
- the **kinds of record** its messages are about (``message_subject_register``): a label and a function
  describing a batch of ids as ``{id: (text, url)}``, so the messages pages link each message to what it is
  about in a bounded number of queries, without importing the producer.

Default templates are created for every registered event that has none yet (``message_templates_ensure``,
run after ``migrate``); wording an admin has edited is never overwritten.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise

# Around the event's text: the SMS is signed, the email greets the recipient and is signed.
SIGN = {"ar": '{{ association_name|default:"الجمعية" }}', "en": '{{ association_name|default:"The association" }}'}
GREETING = {
    "ar": "السلام عليكم {% firstof beneficiary_name user_name %}،\n\n",
    "en": "Dear {% firstof beneficiary_name user_name %},\n\n",
}
CLOSING = {"ar": "مع التحية،", "en": "Kind regards,"}
# Template snippets producers use in their texts: the record's reference and the link, each only when given.
REF = "{% if reference %} {{ reference }}{% endif %}"
LINK = "{% if url %} {{ url }}{% endif %}"


@dataclass(frozen=True)
class MessageEventType:
    code: str
    label: str | Promise
    essential: bool = True
    consent_purpose: str = ""
    subject_kind: str = ""
    texts: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    sample: Mapping[str, str] = field(default_factory=dict)

    def default_templates(self) -> list[tuple[str, str, str, str]]:
        """``(channel, language, subject, body)`` of the default wording, for each language given."""
        rows = []
        for language, (subject, text) in self.texts.items():
            rows.append(("sms", language, "", f"{SIGN[language]}: {text}"))
            body = f"{GREETING[language]}{text}\n\n{CLOSING[language]}\n{SIGN[language]}"
            rows.append(("email", language, subject, body))
        return rows


@dataclass(frozen=True)
class MessageSubjectKind:
    kind: str
    label: str | Promise
    describe: Callable[[list[int]], Mapping[int, tuple[str, str]]]


_EVENTS: dict[str, MessageEventType] = {}
_SUBJECTS: dict[str, MessageSubjectKind] = {}


def message_event_register(
    code: str,
    label: str | Promise,
    *,
    essential: bool = True,
    consent_purpose: str = "",
    subject_kind: str = "",
    texts: Mapping[str, tuple[str, str]] | None = None,
    sample: Mapping[str, str] | None = None,
) -> MessageEventType:
    """Declare a message event (registering the same code again replaces it: ``ready`` may run twice).

    ``consent_purpose``: the ``beneficiaries.Consent`` purpose this (non-essential) message needs given and in
    force (never given or withdrawn: not sent), besides the general "contact" consent not withdrawn. ``texts``: ``{language: (email subject, text)}`` in
    Django template syntax, with ``REF`` and ``LINK`` for the reference and the link."""
    if not code or len(code) > 40:
        raise ValueError(f"A message event code has 1 to 40 characters: {code!r}")
    if consent_purpose and essential:
        raise ValueError(f"{code}: an essential message is always sent; only a non-essential one has a consent")
    unknown = set(texts or {}) - set(SIGN)
    if unknown:
        raise ValueError(f"{code}: no signature for the languages {sorted(unknown)}")
    event = MessageEventType(
        code=code,
        label=label,
        essential=essential,
        consent_purpose=consent_purpose,
        subject_kind=subject_kind,
        texts=dict(texts or {}),
        sample=dict(sample or {}),
    )
    _EVENTS[code] = event
    return event


def message_event_unregister(code: str) -> None:
    _EVENTS.pop(code, None)


def message_event(code: str) -> MessageEventType:
    """The registered event; ``ValueError`` for a code nobody registered."""
    try:
        return _EVENTS[code]
    except KeyError:
        raise ValueError(f"Unknown message event {code!r}") from None


def message_events() -> list[MessageEventType]:
    return sorted(_EVENTS.values(), key=lambda event: event.code)


def message_event_choices() -> list[tuple[str, str | Promise]]:
    return [(event.code, event.label) for event in message_events()]


def message_event_label(code: str) -> str | Promise:
    """What staff read for an event code; the code itself for an event no app registers any more."""
    event = _EVENTS.get(code)
    return event.label if event is not None else code


def message_subject_register(
    kind: str, *, label: str | Promise, describe: Callable[[list[int]], Mapping[int, tuple[str, str]]]
) -> MessageSubjectKind:
    """Declare a kind of record messages are about: ``describe(ids) -> {id: (text, url)}`` reads a batch in a
    bounded number of queries (an id it no longer finds is left out)."""
    if not kind or len(kind) > 40:
        raise ValueError(f"A message subject kind has 1 to 40 characters: {kind!r}")
    subject = MessageSubjectKind(kind=kind, label=label, describe=describe)
    _SUBJECTS[kind] = subject
    return subject


def message_subject_unregister(kind: str) -> None:
    _SUBJECTS.pop(kind, None)


@dataclass(frozen=True)
class SubjectLink:
    label: str | Promise
    text: str
    url: str


def message_subjects_describe(messages: Iterable) -> None:
    """Set ``subject_link`` (a ``SubjectLink`` or ``None``) on each message: one ``describe`` call per kind."""
    messages = list(messages)
    wanted: dict[str, set[int]] = {}
    for message in messages:
        if message.subject_kind and message.subject_id is not None and message.subject_kind in _SUBJECTS:
            wanted.setdefault(message.subject_kind, set()).add(message.subject_id)
    found = {kind: _SUBJECTS[kind].describe(sorted(ids)) for kind, ids in wanted.items()}
    for message in messages:
        described = found.get(message.subject_kind, {}).get(message.subject_id)
        message.subject_link = (
            SubjectLink(_SUBJECTS[message.subject_kind].label, *described) if described is not None else None
        )
