"""End to end, what happens after approval, in Chromium against the live server:

A head teacher who is also the trust administrator and the consent administrator signs in
(real one-time code) and sees, on every screen, that a post must come down because consent
was withdrawn. They open the takedown, read why, and confirm it with one button. On a
partly published post they record the channel whose outcome was unknown as posted, with its
link. They look at the school's channel accounts (health, problems, write-only credentials),
the comment screening settings with a preview of a sample comment, and a pupil's register
page with its tools. Every screen is photographed on an iPad in portrait and on a phone.

No platform is contacted: accounts and publications are stored as the services leave them,
and nothing here calls a platform (no health check, no "post again").

Screenshots: set E2E_SCREENSHOTS=/some/dir to keep them.
"""

from django.utils import timezone

from backend.accounts.models import Role, School
from backend.accounts.services import device_enrol
from backend.common.actors import SYSTEM_SHELL
from consent.models import Contact, Person
from moderation.models import Post
from publishers import services as publisher_services
from publishers.models import ChannelAccount, Publication, Takedown
from tests.e2e.support import PHONE, TABLET, Browsing, one_time_codes
from tests.factories import SchoolFactory, member
from tests.publishers.factories import FACEBOOK_SECRETS, PAGE_ID, X_SECRETS, post_ready_to_publish

UNCONFIRMED = (
    "We could not tell whether X accepted this post. Please look at the school's X account: if "
    "the post is there, choose “Mark as posted” and paste its link; if it is not, choose “Post "
    "again”."
)
WITHDRAWN = "Consent ended (withdrawn) for someone shown or named in this post."
TOKEN_EXPIRED = (
    "The Page access token has expired. Make a new one in Meta's settings and paste it here."
)


def _oakfield() -> School:
    # factory_boy's result is typed as the factory; the models below want the School.
    return SchoolFactory(slug="oakfield", name="Oakfield Primary")


def test_a_leader_handles_takedowns_publications_channels_and_screening(e2e: Browsing) -> None:
    expect, shoot = e2e.expect, e2e.shoot

    # --- all database work first (Playwright's sync API runs an event loop in this thread) ---
    school = _oakfield()
    teacher = member(school, Role.STAFF, email="teacher@oakfield.test")
    head = member(
        school,
        Role.LEADER,
        Role.STAFF,
        Role.TRUST_ADMIN,
        Role.CONSENT_ADMIN,
        email="head@oakfield.test",
        head_teacher=True,  # R13: the head sees escalated comments
    )
    one_time_code = one_time_codes(head)
    device, _ = device_enrol(school=school, name="Year 3 iPad", actor=SYSTEM_SHELL)
    now = timezone.now()

    # A post that must come down: consent was withdrawn after it went out on the website.
    sports = post_ready_to_publish(
        teacher,
        device,
        text="Sports day: Year 4 won the relay!",
        images=1,
        status=Post.Status.TAKEDOWN_REQUESTED,
    )
    Publication.objects.create(
        post=sports,
        school=school,
        channel="website",
        state=Publication.State.PUBLISHED,
        external_id="7",
        url=f"{e2e.base_url}/news/oakfield/7",
        published_at=now,
        taken_down_at=None,
    )
    takedown = Takedown.objects.create(
        post=sports, school=school, reason=WITHDRAWN, requested_by=None
    )

    # A post out on the website, with X unsure and Facebook failed.
    trip = post_ready_to_publish(
        teacher,
        device,
        text="Year 6 at the science museum.",
        channels=("website", "x", "facebook"),
        status=Post.Status.PARTIALLY_PUBLISHED,
    )
    Publication.objects.create(
        post=trip,
        school=school,
        channel="website",
        state=Publication.State.PUBLISHED,
        external_id="8",
        url=f"{e2e.base_url}/news/oakfield/8",
        published_at=now,
    )
    x_pub = Publication.objects.create(
        post=trip,
        school=school,
        channel="x",
        state=Publication.State.UNCONFIRMED,
        attempts=1,
        error=UNCONFIRMED,
    )
    Publication.objects.create(
        post=trip,
        school=school,
        channel="facebook",
        state=Publication.State.FAILED,
        attempts=8,
        error=f"We tried 8 times and stopped. The last problem was: {TOKEN_EXPIRED}",
    )

    # The school's channels: X works, the Facebook token has expired.
    x_account = publisher_services.channel_account_create(
        school=school,
        actor=SYSTEM_SHELL,
        kind="x",
        display_name="Oakfield on X",
        credentials=X_SECRETS,
    )
    facebook = publisher_services.channel_account_create(
        school=school,
        actor=SYSTEM_SHELL,
        kind="facebook",
        display_name="Oakfield Primary Facebook Page",
        config={"page_id": PAGE_ID},
        credentials=FACEBOOK_SECRETS,
    )
    ChannelAccount.objects.filter(pk=x_account.pk).update(
        health_ok=True, health_problems=[], health_checked_at=now
    )
    ChannelAccount.objects.filter(pk=facebook.pk).update(
        health_ok=False, health_problems=[TOKEN_EXPIRED], health_checked_at=now
    )

    amelia = Person.objects.create(
        school=school,
        kind="pupil",
        mis_id="A123",
        legal_first_name="Amelia",
        last_name="Jones",
        year_group="Year 4",
        registration_group="4B",
    )
    Contact.objects.create(
        person=amelia, name="Mum Jones", relationship="Mother", has_parental_responsibility=True
    )

    with e2e.chromium() as browser:
        context = browser.new_context(viewport=TABLET, has_touch=True)
        page = context.new_page()
        e2e.watch(page, console=True)
        e2e.sign_in_with_code(page, "head@oakfield.test", one_time_code)
        expect(page.get_by_role("heading", name="Your schools and roles")).to_be_visible()
        nav = page.get_by_role("navigation", name="Main")
        for item in ("Takedowns", "Channels", "Comments", "Consent"):
            expect(nav.get_by_role("link", name=item, exact=True)).to_be_visible()

        # --- takedowns: told on every screen, one deliberate confirmation ----------------
        banner = page.get_by_role("region", name="Posts that must come down")
        expect(banner).to_contain_text("A published post must come down")
        banner.get_by_role("link", name="Review takedowns").click()
        expect(page.get_by_text("1 post waiting for you to confirm.")).to_be_visible()
        expect(page.get_by_text(WITHDRAWN)).to_be_visible()
        expect(page.get_by_role("link", name="Sports day: Year 4 won the relay!")).to_be_visible()
        shoot(page, "p1-takedowns-tablet.png")
        page.get_by_role("link", name="Review and confirm").click()
        expect(
            page.get_by_role("heading", name="Takedown: Sports day: Year 4 won the relay!")
        ).to_be_visible()
        shoot(page, "p2-takedown-tablet.png")
        page.get_by_role("button", name="Take it down from every channel").click()
        expect(
            page.get_by_text("Confirmed. The post is being deleted from every channel")
        ).to_be_focused()
        expect(page.get_by_role("button", name="Take it down from every channel")).to_have_count(0)
        shoot(page, "p3-takedown-confirmed-tablet.png")

        # --- a partly published post: record X as posted ---------------------------------
        page.goto(f"{e2e.base_url}/queue/{trip.pk}")
        channels = page.get_by_role("list", name="Channels")
        x_item = channels.locator("li").filter(
            has=page.get_by_role("heading", name="X", exact=True)
        )
        expect(x_item).to_contain_text("Not sure it appeared")
        facebook_item = channels.locator("li").filter(
            has=page.get_by_role("heading", name="Facebook", exact=True)
        )
        expect(facebook_item).to_contain_text("We tried 8 times and stopped")
        shoot(page, "p4-publications-tablet.png")
        x_item.get_by_role("button", name="Mark as posted").click()
        x_item.get_by_label("Link to the post on X").fill(
            "https://x.com/oakfield/status/1234567890"
        )
        x_item.get_by_role("button", name="Record as published").click()
        expect(page.get_by_text("Recorded as published on X.")).to_be_visible()
        expect(x_item.get_by_role("link", name="Open the post on X")).to_have_attribute(
            "href", "https://x.com/oakfield/status/1234567890"
        )

        # --- channel accounts: health, problems, credentials never shown back ------------
        nav.get_by_role("link", name="Channels", exact=True).click()
        expect(page.get_by_text(TOKEN_EXPIRED)).to_be_visible()
        shoot(page, "p5-channels-tablet.png")
        card = (
            page.get_by_role("list", name="Channel accounts")
            .locator("li")
            .filter(has=page.get_by_role("heading", name="Oakfield Primary Facebook Page"))
        )
        card.get_by_role("button", name="Change settings").click()
        token = card.get_by_label("Page access token")
        expect(token).to_have_attribute("type", "password")
        expect(token).to_have_value("")
        html = page.content()
        assert not any(
            secret in html for secret in [*X_SECRETS.values(), *FACEBOOK_SECRETS.values()]
        )
        shoot(page, "p6-channel-form-tablet.png")
        card.get_by_role("button", name="Cancel").click()

        # --- comment screening: settings and a preview ----------------------------------
        page.goto(f"{e2e.base_url}/comments")
        page.get_by_role("link", name="Screening settings and preview").click()
        expect(
            page.get_by_role("heading", name="Comment screening at Oakfield Primary")
        ).to_be_visible()
        page.get_by_label("Sample comment").fill("You are all idiots. Call me on 07700 900123")
        page.get_by_role("button", name="Screen this comment").click()
        result = page.locator(".preview-result")
        expect(result).to_contain_text("Would be", timeout=60_000)
        expect(result.locator("mark").first).to_be_visible()
        shoot(page, "p7-screening-tablet.png")

        # --- the register: a pupil's page with the administrator's tools ----------------
        page.goto(f"{e2e.base_url}/consent/{school.pk}/people/{amelia.pk}")
        expect(page.get_by_role("heading", name="Amelia Jones", level=1)).to_be_visible()
        expect(page.get_by_role("link", name="Download Amelia Jones's data (ZIP)")).to_be_visible()
        expect(page.get_by_role("region", name="Erase Amelia Jones")).to_be_visible()
        shoot(page, "p8-person-tablet.png")

        # --- the same screens on a phone ------------------------------------------------
        page.set_viewport_size(PHONE)
        page.goto(f"{e2e.base_url}/")
        menu = page.get_by_role("button", name="Menu")
        expect(menu).to_be_visible()
        expect(nav.get_by_role("link", name="Takedowns")).to_be_hidden()
        menu.click()
        expect(nav.get_by_role("link", name="Takedowns")).to_be_visible()
        shoot(page, "p0-menu-phone.png")
        for path, name in (
            ("/takedowns", "p1-takedowns-phone.png"),
            (f"/takedowns/{takedown.pk}", "p2-takedown-phone.png"),
            (f"/queue/{trip.pk}", "p4-publications-phone.png"),
            ("/channels", "p5-channels-phone.png"),
            ("/comments/settings", "p7-screening-phone.png"),
            (f"/consent/{school.pk}/people/{amelia.pk}", "p8-person-phone.png"),
        ):
            page.goto(f"{e2e.base_url}{path}")
            expect(page.locator("h1")).to_be_visible()
            page.wait_for_load_state("networkidle")
            shoot(page, name)

    takedown.refresh_from_db()
    assert takedown.state in {Takedown.State.CONFIRMED, Takedown.State.DONE}
    assert takedown.confirmed_by_id == head.pk
    x_pub.refresh_from_db()
    assert x_pub.state == Publication.State.PUBLISHED
    assert x_pub.url == "https://x.com/oakfield/status/1234567890"
    assert e2e.problems == []
