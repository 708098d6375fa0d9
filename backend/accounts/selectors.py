"""Read queries about schools, roles and devices. Every API queryset is scoped through here."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from .models import TWO_FACTOR_ROLES, Device, Membership, Role, School, User


def schools_for_user(*, user: User) -> QuerySet[School]:
    return School.objects.filter(memberships__user=user).distinct().order_by("name")


def school_ids_for_user(*, user: User, roles: Iterable[str] | None = None) -> set[int]:
    qs = Membership.objects.filter(user=user)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return set(qs.values_list("school_id", flat=True))


def user_roles(*, user: User, school: School) -> set[str]:
    return set(Membership.objects.filter(user=user, school=school).values_list("role", flat=True))


def user_has_role(*, user: User, school: School | int, roles: Iterable[str]) -> bool:
    school_id = school if isinstance(school, int) else school.pk
    return Membership.objects.filter(user=user, school_id=school_id, role__in=list(roles)).exists()


def user_needs_two_factor(*, user: User) -> bool:
    return Membership.objects.filter(user=user, role__in=list(TWO_FACTOR_ROLES)).exists()


def users_with_role(*, school: School, roles: Iterable[str]) -> QuerySet[User]:
    return User.objects.filter(
        memberships__school=school, memberships__role__in=list(roles), is_active=True
    ).distinct()


# R13: who sees escalated comments (threats, hate, allegations): the DSL and the head
# teacher, a leader membership marked `is_head_teacher`; not every leader.
_SEES_ESCALATIONS = Q(role=Role.DSL) | Q(role=Role.LEADER, is_head_teacher=True)


def school_ids_seeing_escalations(*, user: User) -> set[int]:
    """The schools where `user` is the DSL or the head teacher (R13)."""
    return set(
        Membership.objects.filter(_SEES_ESCALATIONS, user=user).values_list("school_id", flat=True)
    )


def user_sees_escalations(*, user: User, school: School | int) -> bool:
    school_id = school if isinstance(school, int) else school.pk
    return Membership.objects.filter(_SEES_ESCALATIONS, user=user, school_id=school_id).exists()


def users_seeing_escalations(*, school: School | int) -> QuerySet[User]:
    """Active DSLs and head teachers of the school (R13): who escalations go to."""
    school_id = school if isinstance(school, int) else school.pk
    memberships = Membership.objects.filter(_SEES_ESCALATIONS, school_id=school_id)
    return User.objects.filter(pk__in=memberships.values("user_id"), is_active=True).distinct()


def memberships_for_school(*, school: School) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(school=school)
        .select_related("user")
        .order_by("user__email", "role")
    )


def devices_for_school(*, school: School) -> QuerySet[Device]:
    return Device.objects.filter(school=school).select_related("enrolled_by").order_by("name")


def school_get_for_user(
    *, user: User, school_id: int, roles: Iterable[str] = tuple(Role)
) -> School:
    """The school, if the user holds one of `roles` there; otherwise NotFound (no leak)."""
    from backend.common.errors import NotFound

    school = School.objects.filter(
        pk=school_id, memberships__user=user, memberships__role__in=list(roles)
    ).first()
    if school is None:
        raise NotFound("No such school among yours.")
    return school
