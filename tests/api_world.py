"""A world for testing every API operation (tests/test_api_access.py, tests/test_api_fuzz.py).

School A is the demo school, seeded through the real services (posts in every state, people,
consents, comments, evidence, letters...), plus what the demo lacks (an import run, consent
evidence, a face dispute, a takedown, a mention). School B holds one user per role, each
with the same roles as the demo user it mirrors, and its own tablet. Seeding takes tens of
seconds (faces really detected), so a module builds the world once, inside a transaction
that is rolled back when the module ends (the ``world`` fixture); each test still runs in its
own savepoint.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from rest_framework.test import APIClient

from backend.accounts.demo import seed_accounts
from backend.accounts.models import Device, Membership, School, User
from backend.accounts.services import device_enrol
from backend.common.actors import SYSTEM_SHELL
from consent.models import (
    ConsentEvidence,
    Contact,
    FaceEnrolment,
    ImportRun,
    Person,
    SafeguardingFlag,
)
from consent.services.evidence import consent_evidence_upload
from moderation.comments.models import Comment, Evidence
from moderation.models import Face, FaceDispute, Post
from procedures.models import Mention, ParentLetter, PlatformReport
from publishers.models import ChannelAccount, Publication, Takedown, WebsiteComment
from tests.commits import committed
from tests.conftest import signed_in
from tests.factories import SchoolFactory, member
from tests.network import forbid_network

#: The roles of DESIGN.md, each played by the demo user who holds it (the leader is the
#: head teacher, R13; the DSL and the leader also hold the staff role, as in a school).
ROLES = ("staff", "leader", "dsl", "consent_admin", "trust_admin")
DEMO_USER_BY_ROLE = {
    "staff": "teacher",
    "leader": "head",
    "dsl": "dsl",
    "consent_admin": "data",
    "trust_admin": "it",
}
DEMO_APPS = ["consent", "moderation", "publishers", "moderation.comments", "procedures"]
# A PDF is one of the kinds of consent evidence the register keeps.
EVIDENCE_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    school: School
    other_school: School
    users: dict[str, User]
    outsiders: dict[str, User]
    device_token: str
    other_device_token: str
    ids: dict[str, int] = field(default_factory=dict)
    _clients: dict[tuple[str | None, bool], APIClient] = field(default_factory=dict)

    def client(self, role: str | None, *, other_school: bool = False) -> APIClient:
        """Signed in as the role's user (second factor passed), on that school's tablet;
        ``None``: signed out, on school A's tablet. One client (one session) each."""
        key = (role, other_school)
        if key not in self._clients:
            token = self.other_device_token if other_school else self.device_token
            if role is None:
                client = APIClient()
            else:
                client = signed_in((self.outsiders if other_school else self.users)[role])
            client.credentials(HTTP_X_DEVICE_TOKEN=token)
            self._clients[key] = client
        return self._clients[key]

    def path_ids(self, path: str) -> dict[str, Any]:
        """Ids of school A's objects for the operation's path parameters, consistent with
        each other (the image is the post's, the contact the person's...)."""
        ids = self.ids
        by_parent: dict[str, dict[str, Any]] = {
            "enrolment_id": {"person_id": ids["enrolment_person_id"]},
            "contact_id": {"person_id": ids["contact_person_id"]},
            "flag_id": {"person_id": ids["flag_person_id"]},
            "image_id": {"post_id": ids["image_post_id"]},
            "face_id": {"post_id": ids["image_post_id"]},
            "dispute_id": {"post_id": ids["image_post_id"]},
        }
        chosen: dict[str, Any] = {}
        names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
        for name in names:
            chosen.update(by_parent.get(name, {}))
        for name in names:
            if name in chosen:
                continue
            if name == "comment_id" and path.startswith("/api/website-comments/"):
                chosen[name] = ids["website_comment_id"]
            elif name == "evidence_id" and path.startswith("/api/people/"):
                chosen[name] = ids["consent_evidence_id"]
                chosen["person_id"] = ids["consent_evidence_person_id"]
            elif name == "variant":
                chosen[name] = "thumb"
            else:
                chosen[name] = ids[name]
        return chosen


def _seed_school_a(var_dir: Path) -> tuple[Any, dict[str, User]]:
    with committed():
        demo = seed_accounts()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for app in DEMO_APPS:
            with committed():
                importlib.import_module(f"{app}.demo").seed(demo)
    users = {role: demo.users[local] for role, local in DEMO_USER_BY_ROLE.items()}
    return demo, users


def _mirror_users(other: School, users: dict[str, User]) -> dict[str, User]:
    outsiders = {}
    for role, user in users.items():
        roles = sorted(set(Membership.objects.filter(user=user).values_list("role", flat=True)))
        head = Membership.objects.filter(user=user, is_head_teacher=True).exists()
        outsider = member(other, *roles, email=f"{role}@other.test", head_teacher=head)
        User.objects.filter(pk=outsider.pk).update(full_name=f"Other {role}")
        outsiders[role] = outsider
    return outsiders


def _add_what_the_demo_lacks(school: School, users: dict[str, User]) -> None:
    person = Person.objects.filter(school=school, erased_at__isnull=True, on_roll=True).first()
    assert person is not None
    consent_evidence_upload(
        person=person, data=EVIDENCE_PDF, filename="form.pdf", actor=users["consent_admin"]
    )
    ImportRun.objects.create(
        school=school,
        filename="roll.csv",
        sha256="0" * 64,
        status=ImportRun.Status.values[0],
        started_by=users["consent_admin"],
    )
    face = Face.objects.filter(image__post__school=school).first()
    assert face is not None
    FaceDispute.objects.create(face=face, raised_by=users["staff"], reason="Not them.")
    Face.objects.filter(pk=face.pk).update(identity_dispute=Face.IdentityDispute.OPEN)
    published = Publication.objects.filter(post__school=school).first()
    assert published is not None
    Takedown.objects.get_or_create(
        post_id=published.post_id,
        defaults={"school": school, "reason": "Consent ended.", "requested_by": users["leader"]},
    )
    Mention.objects.create(
        school=school,
        source=Mention.Source.values[0],
        external_id="mention-1",
        text=f"Saw {school.name} in the paper",
        posted_at=timezone.now(),
    )


def _first_id(queryset: Any) -> int:
    pk = queryset.values_list("pk", flat=True).first()
    assert pk is not None, f"the world has no {queryset.model.__name__}"
    return int(pk)


def _ids(world_school: School, users: dict[str, User]) -> dict[str, int]:
    s = world_school
    face = Face.objects.filter(image__post__school=s).select_related("image").first()
    assert face is not None
    dispute = FaceDispute.objects.filter(face=face).first()
    assert dispute is not None
    enrolment = FaceEnrolment.objects.filter(person__school=s).first()
    contact = Contact.objects.filter(person__school=s).first()
    flag = SafeguardingFlag.objects.filter(person__school=s).first()
    evidence = ConsentEvidence.objects.filter(person__school=s).first()
    assert enrolment and contact and flag and evidence
    # The post a leader decides on: awaiting approval (the demo has one).
    post = Post.objects.filter(school=s, status=Post.Status.AWAITING_APPROVAL).first()
    assert post is not None
    return {
        "school_id": s.pk,
        "post_id": post.pk,
        "image_post_id": face.image.post_id,
        "image_id": face.image_id,
        "face_id": face.pk,
        "dispute_id": dispute.pk,
        "person_id": _first_id(Person.objects.filter(school=s, erased_at__isnull=True)),
        "enrolment_id": enrolment.pk,
        "enrolment_person_id": enrolment.person_id,
        "contact_id": contact.pk,
        "contact_person_id": contact.person_id,
        "flag_id": flag.pk,
        "flag_person_id": flag.person_id,
        "consent_evidence_id": evidence.pk,
        "consent_evidence_person_id": evidence.person_id,
        "import_id": _first_id(ImportRun.objects.filter(school=s)),
        "device_id": _first_id(Device.objects.filter(school=s)),
        "membership_id": _first_id(Membership.objects.filter(school=s, user=users["leader"])),
        "account_id": _first_id(ChannelAccount.objects.filter(school=s)),
        "publication_id": _first_id(Publication.objects.filter(post__school=s)),
        "takedown_id": _first_id(Takedown.objects.filter(school=s)),
        "comment_id": _first_id(Comment.objects.filter(school=s)),
        "website_comment_id": _first_id(WebsiteComment.objects.filter(entry__school=s)),
        "evidence_id": _first_id(Evidence.objects.filter(school=s)),
        "mention_id": _first_id(Mention.objects.filter(school=s)),
        "letter_id": _first_id(ParentLetter.objects.filter(school=s)),
        "report_id": _first_id(PlatformReport.objects.filter(school=s)),
    }


def build_world(var_dir: Path) -> World:
    demo, users = _seed_school_a(var_dir)
    other = SchoolFactory(slug="other-school", name="Other Academy")
    outsiders = _mirror_users(other, users)
    _, other_token = device_enrol(school=other, name="Other tablet", actor=SYSTEM_SHELL)
    with committed():
        _add_what_the_demo_lacks(demo.school, users)
    world = World(
        school=demo.school,
        other_school=other,
        users=users,
        outsiders=outsiders,
        device_token=demo.device_token,
        other_device_token=other_token,
        ids=_ids(demo.school, users),
    )
    # Signed in now, in the module's transaction: a session made inside a test would be
    # rolled back with it.
    for role in (*ROLES, None):
        for other_school in (False, True):
            world.client(role, other_school=other_school)
    return world


METHODS = ("get", "post", "put", "patch", "delete")


@cache
def openapi_document() -> dict[str, Any]:
    """The schema `make schema` writes to frontend/openapi.yaml, generated afresh."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))  # type: ignore[no-any-return]


def operations() -> list[str]:
    """Every API operation, as "METHOD /path"."""
    return sorted(
        f"{method.upper()} {path}"
        for path, item in openapi_document()["paths"].items()
        for method in item
        if method in METHODS
    )


# The fixtures below are imported by the modules that use the world.


@pytest.fixture(scope="module", name="world")
def world_fixture(request: pytest.FixtureRequest, tmp_path_factory: Any) -> Iterator[World]:
    """The world in an outer transaction, rolled back at the end of the module. Files go
    to a directory of the module's own (``_private_media`` below switches off the
    per-test one of tests/conftest.py: the world's files must outlive one test)."""
    blocker = request.getfixturevalue("django_db_blocker")
    request.getfixturevalue("django_db_setup")
    var_dir = tmp_path_factory.mktemp("api-world")
    private = var_dir / "private"
    with ExitStack() as stack:
        stack.enter_context(blocker.unblock())
        stack.enter_context(
            override_settings(
                VAR_DIR=var_dir,
                MEDIA_ROOT=str(private),
                STORAGES={
                    "default": {
                        "BACKEND": "django.core.files.storage.FileSystemStorage",
                        "OPTIONS": {"location": str(private)},
                    },
                    "staticfiles": {
                        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
                    },
                },
            )
        )
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world(var_dir)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _private_media() -> None:
    """The world's files live for the whole module (see ``world``)."""


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any platform call must fail loudly rather than reach the internet (PostgreSQL and
    Redis are on loopback)."""
    forbid_network(monkeypatch, "tests")
