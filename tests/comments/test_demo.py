"""The demo school shows a dashboard with comments in every state, seeded through the real
ingest path, and seeding twice changes nothing."""

from __future__ import annotations

from backend.accounts.demo import Demo
from backend.accounts.models import School, User
from moderation.comments import demo
from moderation.comments.models import Comment, CommentCorrection
from publishers.models import WebsiteComment
from publishers.selectors import website_comments_approved
from tests.comments.conftest import website_entry
from tests.commits import committed


def test_the_demo_seeds_screened_website_comments_once(school: School, teacher: User) -> None:
    entry = website_entry(school, teacher)

    with committed():
        demo.seed(Demo(school=school))
    demo.seed(Demo(school=school))

    assert WebsiteComment.objects.filter(entry=entry).count() == len(demo.COMMENTS)
    verdicts = sorted(Comment.objects.filter(school=school).values_list("verdict", flat=True))
    assert len(verdicts) == len(demo.COMMENTS)
    assert {"ok", "hold", "escalate"} <= set(verdicts)
    assert not website_comments_approved(entry=entry).exists()  # R11


def test_the_demo_shows_a_head_teachers_correction_of_a_comment_the_model_held(
    school: School, teacher: User, head_teacher: User
) -> None:
    website_entry(school, teacher)

    with committed():
        demo.seed(Demo(school=school, users={"head": head_teacher}))

    comment = Comment.objects.get(school=school, text=demo.CORRECTED_TEXT)
    assert comment.verdict != "ok"
    correction = CommentCorrection.objects.get(comment=comment)
    assert correction.labels == [] and correction.corrected_by == head_teacher


def test_the_demo_does_nothing_without_a_website_entry(school: School) -> None:
    demo.seed(Demo(school=school))

    assert not Comment.objects.exists()
