"""R4, R5, R20: names and contact details hidden with Unicode are still found.

Each spelling goes through the post checks a member of staff triggers (draft, photo, a face
box drawn by hand, submit), and the finding's span must point at the code points of the
text as typed, because the front end highlights them there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from moderation import services
from moderation.models import Post
from tests.commits import committed
from tests.moderation.factories import draft, person, submitted

S = Post.Status

# The 13 spellings that got past R4 in review (issue 11), more of the same kind, and
# spellings that were always caught (ordinary ones among them), each with the part of the
# text its finding must cover when that is not the whole spelling.
DISGUISED = [
    pytest.param("Am\u200bara Okoye", None, id="zero-width-space-inside"),
    pytest.param("Ama\u200dra Okoye", None, id="zero-width-joiner-inside"),
    pytest.param("Amara Oko\u200cye", None, id="zero-width-non-joiner-inside"),
    pytest.param("Amara\u200bOkoye", None, id="zero-width-space-between"),
    pytest.param("Amara\u200fOkoye", None, id="right-to-left-mark-between"),
    pytest.param("Amara \u202eeyokO\u202c", "Amara \u202eeyokO", id="right-to-left-override"),
    pytest.param("Am\u0430ra Okoye", None, id="cyrillic-a"),
    pytest.param("\u0391mara Okoye", None, id="greek-capital-alpha"),
    pytest.param("Amara \u039fkoye", None, id="greek-capital-omicron"),
    pytest.param(
        "\U0001d400\U0001d426\U0001d41a\U0001d42b\U0001d41a "
        "\U0001d40e\U0001d424\U0001d428\U0001d432\U0001d41e",
        None,
        id="mathematical-bold",
    ),
    pytest.param("Amara\u2003Okoye", None, id="em-space"),
    pytest.param("Amara\u3000Okoye", None, id="ideographic-space"),
    pytest.param("Amara.Okoye", None, id="full-stop-between"),
]
MORE_DISGUISED = [
    pytest.param("amara\u200bokoye", None, id="zero-width-space-between-lower-case"),
    pytest.param("\u0410mara Okoye", None, id="cyrillic-capital-a"),
    pytest.param("A\u200bm\u200ba\u200br\u200ba Okoye", None, id="zero-width-after-each-letter"),
    pytest.param("Amara\u2060Okoye", None, id="word-joiner-between"),
]
ALREADY_CAUGHT = [
    pytest.param(
        "\uff21\uff4d\uff41\uff52\uff41 \uff2f\uff4b\uff4f\uff59\uff45", None, id="full-width"
    ),
    pytest.param("Ama\u00adra Okoye", None, id="soft-hyphen-inside"),
    pytest.param("Amara Okoye", None, id="plain"),
    pytest.param("AMARA OKOYE", None, id="capitals"),
    pytest.param("amara okoye", None, id="lower-case"),
    pytest.param("Amara\nOkoye", None, id="line-break"),
    pytest.param("Amara\u00a0Okoye", None, id="no-break-space"),
    pytest.param("#AmaraOkoye", "AmaraOkoye", id="hashtag"),
    pytest.param("#amaraokoye", "amaraokoye", id="lower-case-hashtag"),
    pytest.param("Amara_Okoye", None, id="underscore"),
    pytest.param("Okoye, Amara", None, id="surname-first"),
]


@pytest.fixture
def amara(school: Any) -> Any:
    return person(school, "Amara", "Okoye", mis_id="AO1")


@pytest.fixture
def plain_photo(tmp_path: Path) -> str:
    path = tmp_path / "field.jpg"
    Image.new("RGB", (400, 300), (40, 140, 60)).save(path)
    return str(path)


def _beside_a_face(teacher: Any, tablet: Any, photo: str, text: str) -> Post:
    """A post whose photo has a face (drawn by hand, so it is identifiable but unknown)."""
    post = draft(teacher, tablet, images=(photo,), text=text)
    services.face_add(image=post.images.get(), actor=teacher, box=[50, 250, 250, 50])
    with committed():
        services.post_submit(post=post, actor=teacher, device=tablet)
    post.refresh_from_db()
    return post


@pytest.mark.parametrize(("written", "covered"), [*DISGUISED, *MORE_DISGUISED, *ALREADY_CAUGHT])
def test_r4_a_full_name_in_any_unicode_spelling_beside_a_face_blocks(
    teacher: Any, tablet: Any, amara: Any, plain_photo: str, written: str, covered: str | None
) -> None:
    text = f"Well done {written}!"
    post = _beside_a_face(teacher, tablet, plain_photo, text)
    assert post.status == S.BLOCKED
    [finding] = [f for f in post.check_runs.first().findings if f["rule"] == "R4"]
    assert finding["person_id"] == amara.pk
    start = text.index(covered or written)
    assert finding["span"] == [start, start + len(covered or written)]


def test_r4_a_disguised_full_name_in_alt_text_blocks(
    teacher: Any, tablet: Any, amara: Any, plain_photo: str
) -> None:
    post = draft(teacher, tablet, images=(plain_photo,), text="Award day", alt="Am\u200bara Okoye")
    services.face_add(image=post.images.get(), actor=teacher, box=[50, 250, 250, 50])
    with committed():
        services.post_submit(post=post, actor=teacher, device=tablet)
    post.refresh_from_db()
    [finding] = [f for f in post.check_runs.first().findings if f["rule"] == "R4"]
    assert finding["field"].startswith("alt_text:") and finding["span"] == [0, 12]


def test_r4_a_disguised_likely_full_name_of_someone_outside_the_register_blocks(
    teacher: Any, tablet: Any, school: Any, plain_photo: str
) -> None:
    text = "Thank you to Pri\u200bya Chakr\u0430borty for visiting"
    post = _beside_a_face(teacher, tablet, plain_photo, text)
    [finding] = [f for f in post.check_runs.first().findings if f["rule"] == "R4"]
    assert finding["span"] == [13, 31] and finding["message"].startswith('"Pri\u200bya')


@pytest.mark.parametrize(
    ("text", "written"),
    [
        pytest.param(
            "Call \uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff11\uff12\uff13 for tickets",
            "\uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff11\uff12\uff13",
            id="full-width-digits",
        ),
        pytest.param(
            "Email jane.parent\uff20gmail.com to help",
            "jane.parent\uff20gmail.com",
            id="full-width-at",
        ),
        pytest.param(
            "Email jane\u200b.parent@gmail.com to help",
            "jane\u200b.parent@gmail.com",
            id="zero-width-space-in-email",
        ),
    ],
)
def test_r5_contact_details_hidden_with_unicode_block(
    teacher: Any, tablet: Any, school: Any, text: str, written: str
) -> None:
    post = submitted(teacher, tablet, text=text)
    assert post.status == S.BLOCKED
    [finding] = post.check_runs.first().findings
    start = text.index(written)
    assert finding["rule"] == "R5" and finding["span"] == [start, start + len(written)]


def test_r5_the_schools_own_number_in_full_width_digits_is_still_allowed(
    teacher: Any, tablet: Any, school: Any
) -> None:
    school.contact_phone = "01632 960000"
    school.save()
    post = submitted(
        teacher, tablet, text="Ring the office on \uff10\uff11\uff16\uff13\uff12 960000"
    )
    assert post.status == S.AWAITING_APPROVAL
