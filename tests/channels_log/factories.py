"""Contacts and cases for tests, made through the services (so due dates and history are real)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from association.channels import Channel
from channels_log.contacts import services
from channels_log.contacts.models import ContactEntry
from tests.factories import UserFactory

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def channel(code: str = "phone") -> Channel:
    return Channel.objects.get(code=code)


def png_upload(name: str = "receipt.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def make_contact(*, purpose=ContactEntry.Purpose.INQUIRY, actor=None, beneficiary=None, **kwargs) -> ContactEntry:
    if actor is None:
        actor = UserFactory(role="relations_officer")
    defaults = {"channel": channel(kwargs.pop("channel_code", "phone")), "subject": "استفسار", "body": "نص الرسالة"}
    if beneficiary is None:
        defaults.update(contact_name="سارة أحمد", contact_mobile="+966551234567")
    defaults.update(kwargs)
    return services.contact_record(actor=actor, purpose=purpose, beneficiary=beneficiary, **defaults)


def make_case(*, kind: str = "inquiry", **kwargs):
    return make_contact(purpose=kind, **kwargs).case
