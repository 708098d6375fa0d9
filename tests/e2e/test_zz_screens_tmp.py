# TEMPORARY: screenshots for visual review; deleted after use.
import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.accounts.models import Role
from backend.accounts.services import device_enrol
from consent.models import Purpose
from moderation.models import SchoolPolicy
from tests.e2e.support import PASSWORD, PHONE, TABLET, launch
from tests.factories import SchoolFactory, member
from tests.moderation.factories import flag, person, record, submitted

SHOTS = Path(os.environ["E2E_SCREENSHOTS"])


def test_screens(live_server: Any, transactional_db: None, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    school = SchoolFactory(slug="oakfield", name="Oakfield Primary")
    teacher = member(school, Role.STAFF, email="teacher@oakfield.test")
    member(school, Role.CONSENT_ADMIN, email="data@oakfield.test")
    head = member(school, Role.LEADER, Role.STAFF, email="head@oakfield.test")
    dev = TOTPDevice.objects.get(user=head)
    key = dev.bin_key
    device, credential = device_enrol(school=school, name="Year 3 iPad", actor=None)
    amelia = person(school, "Amelia", "Jones")
    record(amelia, Purpose.PHOTO_WEBSITE, Purpose.FIRST_NAME_ONLY)
    tom = person(school, "Tom", "Reed")
    flag(tom)
    person(school, "Ava", "Patel")
    post = submitted(teacher, device, images=("biden.jpg",), text="Well done Amelia Jones! Call 07700 900123.")
    SchoolPolicy.objects.update_or_create(school=school, defaults={"paused_at": timezone.now(), "pause_reason": "A wrong photo went out"})
    csv = tmp_path / "roll.csv"
    csv.write_text("mis_id,legal_first_name,last_name,date_of_birth\nA1,Amelia,Jones,2016-05-01\n,Bob,,2016-01-01\nA3,Cara,Lee,31/02/2015\n")

    with sync_playwright() as p:
        browser = launch(p)
        try:
            def ctx(kind: str) -> Any:
                return browser.new_context(viewport=TABLET if kind == "tablet" else PHONE, has_touch=True, is_mobile=kind == "phone")

            def sign_in(page: Any, email: str, code: bool = False) -> None:
                page.goto(f"{live_server.url}/signin")
                page.get_by_label("Email").fill(email)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                if code:
                    page.get_by_label("One-time code").fill(str(totp(key)).zfill(6))
                    page.get_by_role("button", name="Sign in").click()
                expect(page.get_by_role("heading", name="Your schools and roles")).to_be_visible()

            # staff on phone: consent look-up
            c = ctx("phone"); pg = c.new_page(); sign_in(pg, "teacher@oakfield.test")
            pg.goto(f"{live_server.url}/consent/{school.pk}")
            expect(pg.get_by_role("list", name="People")).to_be_visible()
            pg.screenshot(path=str(SHOTS / "a-lookup-staff-phone.png"), full_page=True)
            pg.get_by_role("link", name="Tom Reed").click()
            expect(pg.get_by_role("heading", name="May we publish?")).to_be_visible()
            pg.screenshot(path=str(SHOTS / "b-dnp-staff-phone.png"), full_page=True)
            c.close()

            # staff on tablet: tag panel, draw mode
            c = ctx("tablet"); pg = c.new_page(); sign_in(pg, "teacher@oakfield.test")
            pg.evaluate(f"localStorage.setItem('school-post-queue.device-credential', '{credential}')")
            pg.goto(f"{live_server.url}/posts/{post.pk}")
            pg.get_by_role("button", name="Tag this face").click()
            pg.get_by_label("Search the register by name").fill("Am")
            expect(pg.get_by_role("list", name="People found")).to_be_visible()
            pg.screenshot(path=str(SHOTS / "f-tag-tablet.png"), full_page=True)
            pg.get_by_role("button", name="Cancel").click()
            pg.get_by_role("button", name="Draw a face box").click()
            frame = pg.locator(".photo__draw-layer")
            frame.scroll_into_view_if_needed(); b = frame.bounding_box()
            pg.mouse.move(b["x"] + b["width"] * 0.1, b["y"] + b["height"] * 0.6)
            pg.mouse.down(); pg.mouse.move(b["x"] + b["width"] * 0.3, b["y"] + b["height"] * 0.75, steps=5); pg.mouse.up()
            pg.screenshot(path=str(SHOTS / "g-draw-tablet.png"), full_page=True)
            pg.get_by_role("button", name="Save face box").click()
            expect(pg.get_by_text("Face box added to photo 1.")).to_be_visible()
            pg.screenshot(path=str(SHOTS / "g2-drawn-tablet.png"), full_page=True)
            c.close()

            # consent admin on tablet
            c = ctx("tablet"); pg = c.new_page(); sign_in(pg, "data@oakfield.test")
            pg.goto(f"{live_server.url}/consent/{school.pk}/people/{amelia.pk}")
            expect(pg.get_by_role("heading", name="Consent history")).to_be_visible()
            pg.screenshot(path=str(SHOTS / "c-person-admin-tablet.png"), full_page=True)
            pg.goto(f"{live_server.url}/consent/{school.pk}/imports")
            pg.get_by_label("MIS export (CSV)").set_input_files(str(csv))
            pg.get_by_role("button", name="Import").click()
            expect(pg.get_by_role("heading", name="Import report")).to_be_visible()
            pg.screenshot(path=str(SHOTS / "d-import-tablet.png"), full_page=True)
            c.close()

            # head on phone: paused banner, publishing, queue filters, review
            c = ctx("phone"); pg = c.new_page(); sign_in(pg, "head@oakfield.test", code=True)
            pg.screenshot(path=str(SHOTS / "e-paused-home-phone.png"), full_page=True)
            pg.goto(f"{live_server.url}/publishing")
            pg.screenshot(path=str(SHOTS / "e2-publishing-phone.png"), full_page=True)
            pg.goto(f"{live_server.url}/queue?view=all")
            expect(pg.get_by_role("list", name="Posts")).to_be_visible()
            pg.screenshot(path=str(SHOTS / "h-queue-filters-phone.png"), full_page=True)
            pg.goto(f"{live_server.url}/queue/{post.pk}")
            expect(pg.get_by_role("heading", name="What the checks found")).to_be_visible()
            pg.screenshot(path=str(SHOTS / "i-review-blocked-phone.png"), full_page=True)
            c.close()
        finally:
            browser.close()
