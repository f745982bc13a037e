"""The procedure profile a policy document states (``association.policy.procedure``): which procedures the
association runs, who decides individual requests and program proposals, the decision window, the quorum and
the supervising body. Read on normalised Arabic, word by word, so names are given back as the document wrote
them:

- a committee named where the request's decision is told («سيرفع للجنة البحث لدراسة طلبه») → the committee,
  under that name; no committee named → «جهة الاختصاص» / «الجهة المختصة» if the text names one, else the
  manager (named as written when the text names «المدير التنفيذي»…);
- the window is a duration in a sentence about the decision («خلال مدة لا تقل عن أسبوعين» → 14); a duration
  for answering inquiries is not a window; none → no window;
- a quorum: «النصاب ثلاثة أعضاء», «بحضور (3) من أعضائها»;
- program/project requests and volunteers' proposals when a sentence (or a practices heading) speaks of them;
- the supervising body: the first «وزارة …» written out, or what follows «الجهة المشرفة».
"""

from __future__ import annotations

import re

from .lines import norm
from .rules import CARDINALS, duration_days
from .structure import ParsedSection

COMMITTEE = "committee"
MANAGER = "manager"
COMPETENT_BODY = "competent_body"

_SENTENCE_SPLIT = re.compile(r"(?<=[.!؟?؛;])\s+|\n")
_PUNCTUATION = " .,:;()[]«»\"'،؛-–—/"
_DECISION = (
    "قرار",
    "يعتمد",
    "تعتمد",
    "البت",
    "للبت",
    "يبت",
    "تبت",
    "قبول",
    "رفض",
    "القرار",
    "يقرر",
    "تقرر",
    "اعتماد الطلب",
    "دراسه طلب",
    "دراسه الطلب",
)
_WINDOW_CONTEXT = re.compile(r"(?:لا تقل عن|لا يقل عن|لا تقل|خلال|مده|في غضون|بعد مضي|بعد)")
_INDIVIDUAL = (
    "الطلب",
    "طلب الدعم",
    "طالب الدعم",
    "طلب دعم",
    "طلبه",
    "طلبات الدعم",
    "طلب المساعده",
    "طلبات المساعده",
    "المعاملات",
)
_PROGRAM = ("برنامج", "برامج", "البرامج", "مشروع", "مشاريع", "المشاريع", "المشروعات")
_PROGRAM_REQUEST = ("طلب", "طلبات", "يطلب", "تطلب", "يرد", "ترد", "الوارده", "يقدمها المجتمع", "احتياج")
_VOLUNTEER = ("متطوع", "المتطوعين", "المتطوعون", "التطوع")
_PROPOSAL = ("يقترح", "اقتراح", "مقترح", "مبادر", "تصريح", "تصاريح", "فسح", "يقدم", "تقديم")
_COMPETENT = re.compile(r"(?:جهه الاختصاص|الجهه المختصه)")
_MANAGER = re.compile(r"(?:المدير التنفيذي|مدير الجمعيه|المدير العام|الاداره التنفيذيه|مدير عام الجمعيه)")
_SUPERVISOR = re.compile(r"(?:الجهه المشرفه|جهه الاشراف|الجهه المشرفه فنيا|الوزاره المشرفه)")
# Definite words that end a name rather than continue it: relative pronouns and the objects of the sentence.
_NOT_IN_NAMES = {
    "التي",
    "الذي",
    "الذين",
    "اللتي",
    "اللاتي",
    "الطلب",
    "الطلبات",
    "طلبه",
    "المستفيد",
    "المستفيدين",
    "الحاله",
    "الحالات",
    "الملف",
    "المعامله",
}
_NUMBER_WORD = "|".join(sorted(CARDINALS, key=len, reverse=True))
_QUORUM = re.compile(
    r"(?:نصاب\w*|بحضور|باغلبيه|اغلبيه)\s+(?:اللجنه\s+|اجتماع\w*\s+|القانوني\s+)?(?:هو\s+)?\(?\s*(?P<num>\d{1,2})\s*\)?"
    r"|(?:نصاب\w*|بحضور)\s+(?:اللجنه\s+|اجتماع\w*\s+|القانوني\s+)?(?:هو\s+)?(?P<word>" + _NUMBER_WORD + r")\b"
)


def _sentences(sections: list[ParsedSection], kinds=None) -> list[str]:
    texts = []
    for section in sections:
        if section.kind == "approval" or (kinds and section.kind not in kinds):
            continue
        texts.append(section.heading)
        for text in section.items:
            texts.extend(part for part in _SENTENCE_SPLIT.split(text) if part.strip())
    return texts


def _words(text: str) -> tuple[list[str], list[str]]:
    """The text's words as written, and each one normalised (same count, same order)."""
    written = [w.strip(_PUNCTUATION) for w in text.split()]
    written = [w for w in written if w]
    return written, [norm(w) for w in written]


def _has(text: str, words) -> bool:
    return any(w in text for w in words)


def _name_after(written: list[str], normal: list[str], start: int, *, limit: int = 6) -> str:
    """The name that starts at word ``start`` and runs on while the words are definite (ال…/وال…)."""
    end = start + 1
    while (
        end < len(written)
        and end - start < limit
        and normal[end].startswith(("ال", "وال"))
        and normal[end] not in _NOT_IN_NAMES
    ):
        end += 1
    return " ".join([_unprefixed(written[start], normal[start]), *written[start + 1 : end]])


def _unprefixed(written: str, normal: str) -> str:
    """A word without the one-letter preposition or conjunction glued to it: «للجنة» → «لجنة», «ووزارة» → «وزارة»,
    «والمدير» → «المدير»; «اللجنة» and «لجنة» stay."""
    if normal.startswith("لل") and not normal.startswith("لله"):
        return written[1:]
    if normal[:1] in ("و", "ب", "ف") and normal[1:3] in ("ال", "لج", "وز", "جه", "مد") and len(normal) > 4:
        return written[1:]
    if normal[:1] == "ل" and normal[1:3] in ("وز", "جه", "مد"):
        return written[1:]
    return written


def _find(normal: list[str], phrase: str) -> int | None:
    """Where the normalised words of ``phrase`` start in ``normal`` (the first word may carry a prefix)."""
    words = phrase.split()
    for index in range(len(normal) - len(words) + 1):
        first = normal[index]
        if first != words[0] and not (first.endswith(words[0]) and len(first) - len(words[0]) <= 2):
            continue
        if normal[index + 1 : index + len(words)] == words[1:]:
            return index
    return None


def _committee_name(sentence: str) -> str | None:
    """«سيرفع للجنة البحث لدراسة طلبه» → «لجنة البحث»; None when the sentence names no committee."""
    written, normal = _words(sentence)
    for index, word in enumerate(normal):
        if word in ("لجنه", "للجنه", "اللجنه", "بلجنه", "ولجنه", "فلجنه", "واللجنه", "فاللجنه", "باللجنه"):
            return _name_after(written, normal, index)
    return None


def _competent_body(sentence: str) -> str | None:
    """The competent body a sentence names: its name in brackets, else the phrase as written."""
    match = _COMPETENT.search(norm(sentence))
    if not match:
        return None
    bracket = re.search(r"\(([^()]{3,120})\)", sentence)
    if bracket:
        return bracket.group(1).strip(_PUNCTUATION)
    written, normal = _words(sentence)
    index = _find(normal, match.group(0))
    if index is None:
        return None
    return " ".join([_unprefixed(written[index], normal[index]), *written[index + 1 : index + 2]])


def _deciding(text: str) -> bool:
    """A sentence that tells the decision: decision words, or a committee or competent body given the request."""
    named = "لجنه" in text or _COMPETENT.search(text)
    return _has(text, _DECISION) or bool(named and _has(text, _INDIVIDUAL + ("يرفع", "يحال", "سيرفع", "ترفع")))


def _decider(sentences: list[str]) -> tuple[str, str]:
    """Who decides, from the sentences that tell the decision: the first naming a competent body or a committee
    («جهة الاختصاص (لجنة الخدمات)» is the competent body), else the manager (under the name the text gives)."""
    deciding = [s for s in sentences if _deciding(norm(s))]
    for sentence in deciding:
        body = _competent_body(sentence)
        if body:
            return COMPETENT_BODY, body
        name = _committee_name(sentence)
        if name:
            return COMMITTEE, name
    for sentence in deciding:
        match = _MANAGER.search(norm(sentence))
        if match:
            written, normal = _words(sentence)
            index = _find(normal, match.group(0))
            if index is not None:
                size = len(match.group(0).split())
                return MANAGER, " ".join(
                    [_unprefixed(written[index], normal[index]), *written[index + 1 : index + size]]
                )
    return MANAGER, ""


def _window(sentences: list[str]) -> int | None:
    for sentence in sentences:
        text = norm(sentence)
        if not _deciding(text):
            continue
        for context in _WINDOW_CONTEXT.finditer(text):
            days = duration_days(text[context.end() : context.end() + 40])
            if days:
                return days
    return None


def _quorum(sentences: list[str]) -> int | None:
    for sentence in sentences:
        match = _QUORUM.search(norm(sentence))
        if match:
            number = int(match.group("num")) if match.group("num") else CARDINALS.get(match.group("word"), 0)
            if 1 <= number <= 99:
                return number
    return None


def _supervising_body(sentences: list[str]) -> str:
    for sentence in sentences:
        written, normal = _words(sentence)
        for index, word in enumerate(normal):
            if word in ("وزاره", "ووزاره", "لوزاره", "بوزاره") and index + 1 < len(normal):
                return _name_after(written, normal, index, limit=8)
        if _SUPERVISOR.search(norm(sentence)):
            bracket = re.search(r"\(([^()]{3,120})\)", sentence)
            if bracket:
                return bracket.group(1).strip(_PUNCTUATION)
    return ""


def _program_requests(sentences: list[str]) -> bool:
    return any(
        _has(text, _PROGRAM) and _has(text, _PROGRAM_REQUEST) and not _has(text, _VOLUNTEER)
        for text in map(norm, sentences)
    ) or any(_has(norm(s), _PROGRAM) and _SUPERVISOR.search(norm(s)) for s in sentences)


def _volunteer_proposals(sentences: list[str]) -> bool:
    return any(
        _has(text, _VOLUNTEER) and _has(text, _PROPOSAL) and _has(text, _PROGRAM) for text in map(norm, sentences)
    )


def _programs_decider(sentences: list[str]) -> tuple[str, str]:
    about_programs = [s for s in sentences if _has(norm(s), _PROGRAM)]
    return _decider(about_programs) if about_programs else (MANAGER, "")


def procedure_fields(sections: list[ParsedSection]) -> dict:
    """The procedure profile the document states, as ``PolicyVersion`` field values."""
    procedure = _sentences(sections, kinds=("procedure",))
    everything = _sentences(sections)
    individual_text = [s for s in everything if not _has(norm(s), _PROGRAM) and not _has(norm(s), _VOLUNTEER)]
    program_requests = _program_requests(everything)
    volunteer_proposals = _volunteer_proposals(everything)
    individual = bool(procedure) or any(_has(norm(s), _INDIVIDUAL) for s in individual_text)
    if not (individual or program_requests or volunteer_proposals):
        individual = True  # a document that says nothing of its procedures: the individual one, as by default
    decider, decider_name = _decider(procedure or individual_text)
    programs_decider, programs_name = _programs_decider(everything)
    return {
        "individual_requests": individual,
        "program_requests": program_requests,
        "volunteer_proposals": volunteer_proposals,
        "individual_decider": decider,
        "individual_decider_name": decider_name[:200],
        "decision_window_days": _window(procedure or individual_text),
        "quorum": _quorum(everything) if decider == COMMITTEE else None,
        "programs_decider": programs_decider,
        "programs_decider_name": programs_name[:200],
        "supervising_body": _supervising_body(everything)[:200],
    }
