"""``seed_demo`` (what `make run` seeds): the first run shows every state, including what only
queued work produces, before any worker has started."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from backend.celery import app as celery_app
from moderation.comments.models import Comment, CommentCorrection
from moderation.models import Post
from tests.commits import commits_for_real


@pytest.fixture
def no_worker() -> Iterator[None]:
    """As in the embedded run: queued tasks wait for a worker instead of running here."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = eager


@commits_for_real
def test_the_first_seed_shows_a_published_post_and_screened_comments_without_a_worker(
    no_worker: None, settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path

    call_command("seed_demo", stdout=io.StringIO())

    assert Post.objects.filter(school__slug="demo", status=Post.Status.PUBLISHED).exists()
    verdicts = set(Comment.objects.filter(school__slug="demo").values_list("verdict", flat=True))
    assert verdicts == {"ok", "hold", "escalate"}
    assert CommentCorrection.objects.filter(comment__school__slug="demo", labels=[]).exists()
    assert celery_app.conf.task_always_eager is False  # the worker's setting is left alone
