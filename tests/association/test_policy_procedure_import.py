"""The procedure profile the import reads from a document: the two real examples, the fixture without a committee
and variants written here in other wordings (committee names, competent bodies, windows in words and digits,
quorums, a duration that is not a window, ministries)."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from association.policy.importing import parse_file, parse_policy
from association.policy.importing.procedure_rules import procedure_fields

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NO_COMMITTEE = FIXTURES / "policy_no_committee.txt"
PROGRAMS = FIXTURES / "policy_programs.txt"


def shared_seed(prefix: str) -> Path:
    """A shared seed policy (``../shared/seeds`` of the repository, or of the worktrees' parent)."""
    base = Path(settings.BASE_DIR)
    for folder in (base.parent / "shared" / "seeds", base.parent.parent / "shared" / "seeds"):
        matches = sorted(folder.glob(f"{prefix}_*.txt")) if folder.is_dir() else []
        if matches:
            return matches[0]
    pytest.skip("the shared seed policies are not on this machine")


def _policy(procedure: list[str], *, practices: list[str] = (), preamble: str = "تضع الجمعية هذه السياسة.") -> dict:
    lines = ["سياسة تنظيم العلاقة مع المستفيدين", "", "تمهيد:", preamble, ""]
    if practices:
        lines += ["الممارسات:", *[f"{n}. {text}" for n, text in enumerate(practices, 1)], ""]
    lines += ["القنوات المستخدمة للتواصل مع المستفيدين:", "1. المقابلة", "2. الاتصالات الهاتفية", ""]
    if procedure:
        lines += ["ويتم التعامل مع المستفيد بالشكل التالي:", *[f"- {text}" for text in procedure], ""]
    lines += ["اعتماد مجلس الإدارة", "اعتمد مجلس الإدارة هذه السياسة في اجتماعه الأول."]
    return parse_policy(lines).procedure


@pytest.mark.parametrize("prefix", ["001", "003"])
def test_both_shared_seeds_name_the_research_committee_and_two_weeks(prefix):
    procedure = parse_file(shared_seed(prefix).read_bytes(), "seed.txt").procedure
    assert procedure == {
        "individual_requests": True,
        "program_requests": False,
        "volunteer_proposals": False,
        "individual_decider": "committee",
        "individual_decider_name": "لجنة البحث",
        "decision_window_days": 14,
        "quorum": None,
        "programs_decider": "manager",
        "programs_decider_name": "",
        "supervising_body": "",
        "explanation_step": True,  # «إحالته لمسئول البحث الاجتماعي للإجابة على تساؤلاته»
    }


def test_a_policy_without_a_committee_runs_programs_under_its_ministry():
    procedure = parse_file(NO_COMMITTEE.read_bytes(), NO_COMMITTEE.name).procedure
    assert procedure["individual_decider"] == "manager"
    assert procedure["individual_decider_name"] == "المدير التنفيذي"
    assert procedure["decision_window_days"] is None
    assert (procedure["program_requests"], procedure["volunteer_proposals"]) == (True, True)
    assert procedure["supervising_body"] == "وزارة الموارد البشرية والتنمية الاجتماعية"
    assert procedure["explanation_step"] is True  # «يحيله الموظف إلى الباحث الاجتماعي لشرح الإجراءات»


@pytest.mark.parametrize(
    ("sentence", "decider", "name", "window", "quorum"),
    [
        (
            "يرفع الطلب للجنة البحث لدراسته والرد عليه بقبوله أو رفضه خلال مدة لا تقل عن أسبوعين",
            "committee",
            "لجنة البحث",
            14,
            None,
        ),
        (
            "تعرض طلبات الدعم على اللجنة الاجتماعية التي تبت فيها بعد مضي (10) أيام من تقديمها، "
            "ولا يكون اجتماعها صحيحاً إلا بحضور ثلاثة من أعضائها",
            "committee",
            "اللجنة الاجتماعية",
            10,
            3,
        ),
        (
            "تدرس لجنة المساعدات الطلب وتصدر قرارها خلال ثلاثة أسابيع، ونصاب اللجنة 4 أعضاء",
            "committee",
            "لجنة المساعدات",
            21,
            4,
        ),
        (
            "يحال الطلب إلى جهة الاختصاص (إدارة الخدمات الاجتماعية بالمحافظة) للبت فيه",
            "competent_body",
            "إدارة الخدمات الاجتماعية بالمحافظة",
            None,
            None,
        ),
        ("يحال الطلب إلى الجهة المختصة للبت فيه خلال 5 أيام", "competent_body", "الجهة المختصة", 5, None),
        ("يبت المدير التنفيذي في الطلب فور اكتمال دراسته", "manager", "المدير التنفيذي", None, None),
        ("يقرر مدير الجمعية قبول الطلب أو رفضه", "manager", "مدير الجمعية", None, None),
        ("تقديم الخدمة اللازمة بعد اكتمال الطلب", "manager", "", None, None),
    ],
)
def test_who_decides_and_when(sentence, decider, name, window, quorum):
    procedure = _policy(["استقبال المستفيد بلباقة واحترام.", sentence, "تقديم الخدمة اللازمة."])
    assert (
        procedure["individual_decider"],
        procedure["individual_decider_name"],
        procedure["decision_window_days"],
        procedure["quorum"],
    ) == (decider, name, window, quorum)


def test_a_duration_for_answering_inquiries_is_not_a_decision_window():
    procedure = _policy(["الرد على استفسارات المستفيدين خلال يومين.", "يبت المدير التنفيذي في الطلب."])
    assert (procedure["individual_decider"], procedure["decision_window_days"]) == ("manager", None)


def test_a_committee_named_outside_the_decision_does_not_decide():
    procedure = _policy(["تتولى لجنة التطوع تنظيم المتطوعين", "يرفع الطلب إلى المدير التنفيذي للبت فيه"])
    assert (procedure["individual_decider"], procedure["individual_decider_name"]) == ("manager", "المدير التنفيذي")


@pytest.mark.parametrize(
    ("preamble", "body"),
    [
        (
            "تعمل الجمعية تحت إشراف وزارة الشؤون الإسلامية والدعوة والإرشاد، وتخدم المجتمع.",
            "وزارة الشؤون الإسلامية والدعوة والإرشاد",
        ),
        (
            "الجهة المشرفة على الجمعية: (المركز الوطني لتنمية القطاع غير الربحي).",
            "المركز الوطني لتنمية القطاع غير الربحي",
        ),
        ("ترتبط الجمعية بوزارة الصحة في برامجها.", "وزارة الصحة"),
        ("تضع الجمعية هذه السياسة.", ""),
    ],
)
def test_the_supervising_body(preamble, body):
    assert _policy(["يبت المدير التنفيذي في الطلب"], preamble=preamble)["supervising_body"] == body


def test_programs_and_volunteers_only():
    procedure = _policy(
        [],
        practices=[
            "تستقبل الجمعية طلبات البرامج من المجتمع المحلي وتعتمدها لجنة البرامج",
            "يقدم المتطوعون مقترحات برامج تطوعية وتستخرج لها الجمعية التصاريح",
        ],
    )
    assert (procedure["program_requests"], procedure["volunteer_proposals"]) == (True, True)
    assert procedure["individual_requests"] is False
    assert (procedure["programs_decider"], procedure["programs_decider_name"]) == ("committee", "لجنة البرامج")


def test_a_document_silent_on_its_procedures_keeps_individual_requests():
    procedure = _policy([])
    assert procedure["individual_requests"] is True
    assert (procedure["program_requests"], procedure["volunteer_proposals"]) == (False, False)


def test_the_json_and_the_draft_carry_the_procedure(manager):
    out = StringIO()
    call_command("import_policy", str(NO_COMMITTEE), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["procedure"]["individual_decider"] == "manager"
    assert data["procedure"]["decision_window_days"] is None
    parsed = parse_file(NO_COMMITTEE.read_bytes(), NO_COMMITTEE.name)
    version_data = parsed.version_data()
    assert version_data["individual_decider"] == "manager" and version_data["program_requests"] is True
    assert procedure_fields(parsed.sections) == parsed.procedure


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("في حالة عدم وضوح الإجراءات للمستفيد فعلى الموظف إحالته لمسئول البحث الاجتماعي", True),
        ("يحال المستفيد إلى الباحث الاجتماعي لشرح الإجراءات له", True),
        ("توجيه المستفيد للباحث الاجتماعي عند الحاجة", True),
        ("يقوم الباحث الاجتماعي بزيارة الأسرة", False),
        ("استقبال المستفيد بلباقة واحترام", False),
    ],
)
def test_the_referral_to_explain_the_procedure(sentence, expected):
    assert _policy([sentence, "يبت المدير التنفيذي في الطلب"])["explanation_step"] is expected


def test_the_demo_policy_runs_programs_beside_the_committee_procedure():
    """The document ``seed_demo`` imports: its programs and volunteering practices turn both program procedures on;
    its individual procedure stays the research committee's with two weeks, its referral step as it is read."""
    from association.policy.demo import DEMO_POLICY

    procedure = parse_file(DEMO_POLICY.read_bytes(), DEMO_POLICY.name).procedure
    assert procedure == {
        "individual_requests": True,
        "program_requests": True,
        "volunteer_proposals": True,
        "individual_decider": "committee",
        "individual_decider_name": "لجنة البحث",
        "decision_window_days": 14,
        "quorum": None,
        "programs_decider": "manager",
        "programs_decider_name": "",
        "supervising_body": "",
        "explanation_step": False,
    }


def test_a_program_centred_policy_under_its_ministry():
    procedure = parse_file(PROGRAMS.read_bytes(), PROGRAMS.name).procedure
    assert (procedure["individual_requests"], procedure["program_requests"], procedure["volunteer_proposals"]) == (
        False,
        True,
        True,
    )
    assert (procedure["programs_decider"], procedure["programs_decider_name"]) == ("competent_body", "جهة الاختصاص")
    assert procedure["supervising_body"] == "وزارة الشؤون الإسلامية والدعوة والإرشاد"


@pytest.mark.parametrize(
    ("practice", "programs", "volunteers"),
    [
        ("استقبال طلبات المتطوعين لتنفيذ البرامج واستخراج التصاريح اللازمة لها وفق الأنظمة", False, True),
        ("يقدم المتطوعون مقترحات برامج ومبادرات، وتستخرج الجمعية تصاريحها", False, True),
        ("تتلقى الجمعية من المتطوعين اقتراح البرامج التطوعية وتدرسها", False, True),
        (
            "استقبال طلبات البرامج والمشاريع من المستفيدين أو المجتمع أو من الجهة المشرفة ودراستها واعتمادها من جهة "
            "الاختصاص",
            True,
            False,
        ),
        ("تدرس الجمعية المشاريع التي يطلبها أهالي الحي وتعتمدها", True, False),
        ("ترد إلى الجمعية طلبات البرامج الدعوية من المساجد والمدارس", True, False),
        ("تنفيذ البرامج التي تكلف بها الجهة المشرفة (وزارة الشؤون الإسلامية)", True, False),
        ("تشجيع العمل التطوعي ونشر ثقافته بين المستفيدين", False, False),
        ("استقبال المستفيد بلطف والإجابة عن أسئلته", False, False),
    ],
)
def test_program_and_volunteer_practices_in_other_wordings(practice, programs, volunteers):
    procedure = _policy(["يبت المدير التنفيذي في الطلب"], practices=[practice])
    assert (procedure["program_requests"], procedure["volunteer_proposals"]) == (programs, volunteers)
    assert procedure["individual_requests"] is True and procedure["individual_decider"] == "manager"
