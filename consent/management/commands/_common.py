"""Shared helpers for the consent commands (the operator at the server's shell acts as
backend.common.actors.SYSTEM_SHELL).."""

from django.core.management.base import CommandError

from backend.accounts.models import School
from consent.models import Person


def school_by_slug(slug: str) -> School:
    school = School.objects.filter(slug=slug).first()
    if school is None:
        raise CommandError(f"No school with slug {slug!r}.")
    return school


def person_by_mis_id(school: School, mis_id: str) -> Person:
    person = Person.objects.filter(school=school, mis_id=mis_id, erased_at__isnull=True).first()
    if person is None:
        raise CommandError(f"No person with MIS id {mis_id!r} at {school.slug}.")
    return person
