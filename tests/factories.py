"""Factories for the cross-cutting models. Each app's tests add their own factories
module beside their tests."""

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.accounts.models import TWO_FACTOR_ROLES, Membership, Role, School, User


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"school-{n}")
    name = factory.Sequence(lambda n: f"Test School {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@school.test")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password("correct-horse-battery")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = Role.STAFF


def member(
    school: School, *roles: str, email: str | None = None, head_teacher: bool = False
) -> User:
    """A user holding `roles` at `school` (and an authenticator when a role needs one).
    `head_teacher` marks the leader membership as the head teacher's (R13)."""
    user = UserFactory(email=email) if email else UserFactory()
    for role in dict.fromkeys(roles):
        MembershipFactory(
            user=user,
            school=school,
            role=role,
            is_head_teacher=head_teacher and role == Role.LEADER,
        )
    if TWO_FACTOR_ROLES & set(roles):
        TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "test"})
    return user
