"""Row locks reach only the rows meant (issue 16 item 2): locking a post, with its school
joined for reading, leaves the school row free for other transactions (inserts that
reference the school take a key-share lock on it and would otherwise wait or deadlock)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from backend.accounts.models import School
from backend.accounts.services import device_enrol
from backend.common.actors import SYSTEM_SHELL
from moderation.models import Post
from moderation.workflow import post_lock
from tests.moderation.factories import draft

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are PostgreSQL's"
)


@pytest.fixture
def second_connection(transactional_db: None) -> Iterator[BaseDatabaseWrapper]:
    """Another session on the same database, as a second web worker would have."""
    other = connections.create_connection("default")
    yield other
    other.close()


def _school_lockable_elsewhere(other: BaseDatabaseWrapper, school_id: int) -> bool:
    """Whether another session can lock the school row right now (NOWAIT: no waiting)."""
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(
                f"SELECT id FROM {School._meta.db_table} WHERE id = %s FOR UPDATE NOWAIT",
                [school_id],
            )
            return True
    except OperationalError:
        return False
    finally:
        other.rollback()


@pytest.fixture
def post(school: School, teacher: Any) -> Post:
    tablet, _ = device_enrol(school=school, name="Year 3 iPad", actor=SYSTEM_SHELL)
    return draft(teacher, tablet)


def test_it_locks_the_post_without_its_school(post: Post, second_connection: Any) -> None:
    with transaction.atomic():
        locked = post_lock(post.pk)
        assert locked.school.pk == post.school_id  # joined for reading
        assert _school_lockable_elsewhere(second_connection, post.school_id)


def test_it_would_lock_the_school_without_of_self(post: Post, second_connection: Any) -> None:
    # The control: the plain form locks the joined school row too, so the test above can
    # fail when `of=("self",)` is lost.
    with transaction.atomic():
        Post.objects.select_for_update().select_related("school").get(pk=post.pk)
        assert not _school_lockable_elsewhere(second_connection, post.school_id)
