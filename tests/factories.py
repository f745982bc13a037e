import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from stdnum import luhn

from association.channels import Channel
from beneficiaries.models import Beneficiary, DocumentType
from requests_app.models import ServiceType, SupportRequest


def valid_national_id(n: int, resident: bool = False) -> str:
    base = f"{2 if resident else 1}{n:08d}"
    return base + luhn.calc_check_digit(base)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "مستخدم"
    last_name = factory.Sequence(lambda n: f"رقم {n}")
    # Tests log in with force_login: no Argon2 hashing per user.
    password = "!unusable"

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if extracted:
            obj.groups.add(Group.objects.get(name=extracted))


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beneficiary

    national_id = factory.Sequence(lambda n: valid_national_id(50000000 + n))
    first_name = "محمد"
    father_name = "عبدالله"
    grandfather_name = "سعد"
    family_name = factory.Sequence(lambda n: f"العائلة{n}")
    gender = Beneficiary.Gender.MALE
    birth_date = dt.date(1980, 5, 1)
    marital_status = Beneficiary.MaritalStatus.MARRIED
    mobile = factory.Sequence(lambda n: f"+96655{n:07d}")
    city = "الرياض"


class DocumentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"doc{n}")
    name = factory.Sequence(lambda n: f"مستند {n}")


class ServiceTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"service{n}")
    name = factory.Sequence(lambda n: f"خدمة {n}")


class SupportRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportRequest

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    service_type = factory.SubFactory(ServiceTypeFactory)
    channel = factory.LazyFunction(lambda: Channel.objects.get(code="interview"))
    description = "طلب مساعدة"
