"""``screen_comments``: the operator's way to screen a file with a school's settings, through
the same screening service as ingestion."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from backend.accounts.models import School, User
from moderation.comments import services
from tests.moderation.factories import person

LINES = [
    "What a lovely day, well done to all the children!",
    "",
    "I know where you live. Watch your back",
    "Amelia Smith was brilliant",
    "you wombat",
]


def run(*args: str, stdin: str | None = None) -> str:
    out = io.StringIO()
    kwargs = {"stdin": io.StringIO(stdin)} if stdin is not None else {}
    call_command("screen_comments", *args, stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


@pytest.fixture
def configured(school: School, head_teacher: User) -> School:
    person(school, "Amelia", "Smith")
    services.screening_settings_update(school=school, actor=head_teacher, blocked_words=["wombat"])
    return school


def test_it_prints_one_json_object_per_comment_line(configured: School) -> None:
    output = run("--school", "oakfield", "--json", stdin="\n".join(LINES) + "\n")

    rows = [json.loads(line) for line in output.splitlines()]
    assert [(r["line"], r["verdict"]) for r in rows] == [
        (1, "ok"),
        (3, "escalate"),
        (4, "hold"),
        (5, "hold"),
    ]
    for row in rows:
        assert set(row) == {"line", "verdict", "labels"}
        for label in row["labels"]:
            assert set(label) == {"label", "score", "span"}
            assert isinstance(label["span"], list) and len(label["span"]) == 2
    assert rows[2]["labels"] == [{"label": "personal_data", "score": 1.0, "span": [0, 12]}]


def test_a_file_longer_than_one_batch_keeps_one_object_per_line_in_order(
    configured: School,
) -> None:
    lines = LINES * 120  # 600 lines: past the 256-line batches the command screens at once

    output = run("--school", "oakfield", "--json", stdin="\n".join(lines) + "\n")

    rows = [json.loads(line) for line in output.splitlines()]
    assert [r["line"] for r in rows] == [n for n, text in enumerate(lines, 1) if text]
    assert [r["verdict"] for r in rows[:4]] * 120 == [r["verdict"] for r in rows]


def test_it_gives_the_same_verdicts_as_ingestion(configured: School) -> None:
    rows = [
        json.loads(line)
        for line in run("--school", "oakfield", "--json", stdin="\n".join(LINES)).splitlines()
    ]

    for row in rows:
        result = services.comment_screen(school=configured, text=LINES[row["line"] - 1])
        assert row["verdict"] == result.verdict
        assert [label["label"] for label in row["labels"]] == [x.label for x in result.labels]


def test_it_reads_a_file_and_prints_reasons_for_people(configured: School, tmp_path: Path) -> None:
    source = tmp_path / "comments.txt"
    source.write_text("you wombat\n", encoding="utf-8")

    output = run("--school", "oakfield", "--input", str(source))

    assert "hold" in output and "word the school blocks" in output


def test_an_unknown_school_is_an_error(db: None) -> None:
    with pytest.raises(CommandError, match="No school"):
        run("--school", "nowhere", "--json", stdin="hello\n")
