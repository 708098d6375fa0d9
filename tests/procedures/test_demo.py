"""The demo school shows the procedures: an escalation with a report pack, a report and a
letter on its case, a mention watch and an X budget; seeding twice changes nothing."""

from __future__ import annotations

from backend.accounts.demo import Demo
from backend.accounts.models import Role, School, User
from moderation.comments import demo as comments_demo
from procedures import demo, selectors, services
from procedures.models import ParentLetter, PlatformReport
from tests.comments.conftest import website_entry
from tests.factories import member


def test_the_demo_seeds_an_escalation_with_a_pack_a_report_and_a_letter_once(
    school: School, teacher: User
) -> None:
    website_entry(school, teacher)
    dsl = member(school, Role.DSL, Role.STAFF, email="dsl@demo.test")
    head = member(school, Role.LEADER, Role.STAFF, email="head@demo.test", head_teacher=True)
    seeded = Demo(school=school, users={"dsl": dsl, "head": head})
    comments_demo.seed(seeded)

    demo.seed(seeded)
    demo.seed(seeded)

    report = PlatformReport.objects.get()
    assert ParentLetter.objects.get().comment_id == report.comment_id
    pack = services.report_pack_build(comment_id=report.comment_id, actor=dsl)
    assert [p.platform for p in pack.packs][0] == "website"
    assert selectors.mention_watch_for(school=school).terms == [school.name, "#DemoPrimary"]
    assert str(selectors.x_budget_for(school=school).monthly_budget_usd) == "10.00"
