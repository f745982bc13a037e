"""Demo data for the contact log: the visit each person registered in the demo came through."""

from association.demo import demo_clock


def seed_intake_contacts(*, users: dict, stdout, state: dict) -> None:
    """The visit each person registered in this run came through, recorded when they were registered."""
    from association.channels import Channel
    from beneficiaries.demo import registered_at

    from .models import ContactEntry
    from .services import contact_record

    channels = list(Channel.objects.filter(is_active=True))
    for i, beneficiary in state.get("registered", []):
        with demo_clock(registered_at(i)):
            contact_record(
                actor=users["officer"],
                channel=channels[i % len(channels)],
                purpose=ContactEntry.Purpose.SERVICE_REQUEST,
                beneficiary=beneficiary,
                subject="طلب مساعدة",
                body="حضر المستفيد واستفسر عن خدمات الجمعية.",
            )
