"""Screen comments from a file with a school's settings, exactly as ingestion does.

    python manage.py screen_comments --school oakfield --json < comments.txt

One comment per line (blank lines are skipped but still counted); ``--json`` prints one
object per line: {"line": N, "verdict": "ok|hold|escalate", "labels": [{"label": ...,
"score": ..., "span": [start, end]}]}.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.accounts.models import School
from moderation.comments import selectors, services
from moderation.screening import ScreenResult

BATCH = 256  # comments the semantic model reads in one pass; output stays line by line


def _chunks(lines: Iterable[tuple[int, str]], size: int) -> Iterator[list[tuple[int, str]]]:
    iterator = iter(lines)
    while chunk := list(islice(iterator, size)):
        yield chunk


class Command(BaseCommand):
    help = "Screen comments (one per line) with a school's screening settings."
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="the school's slug")
        parser.add_argument("--json", action="store_true", help="one JSON object per line")
        parser.add_argument("--input", default="-", help="a file to read (default: stdin)")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"No school with slug {options['school']!r}.")
        config = selectors.screening_config_for(school=school)
        counts = {"ok": 0, "hold": 0, "escalate": 0}
        for chunk in _chunks(self._lines(options), BATCH):
            results = services.comments_screen(
                school=school, texts=[text for _, text in chunk], config=config
            )
            for (number, text), result in zip(chunk, results, strict=True):
                counts[result.verdict] += 1
                self._write(number, text, result, as_json=options["json"])
        if not options["json"]:
            summary = ", ".join(f"{n} {verdict}" for verdict, n in counts.items())
            self.stderr.write(f"Screened {sum(counts.values())} comments: {summary}.")

    def _write(self, number: int, text: str, result: ScreenResult, *, as_json: bool) -> None:
        if as_json:
            labels = [
                {
                    "label": label.label,
                    "score": label.score,
                    "span": list(label.span) if label.span is not None else None,
                }
                for label in result.labels
            ]
            row = {"line": number, "verdict": result.verdict, "labels": labels}
            self.stdout.write(json.dumps(row, ensure_ascii=False))
        else:
            self.stdout.write(f"{number:>5}  {result.verdict:<8}  {text[:70]}")
            for label in result.labels:
                self.stdout.write(f"{'':>17}{label.label} {label.score}: {label.reason}")

    def _lines(self, options: dict[str, Any]) -> Any:
        stream: TextIO
        if options.get("stdin") is not None:
            stream = options["stdin"]
        elif options["input"] != "-":
            try:
                stream = open(options["input"], encoding="utf-8", errors="replace")
            except OSError as exc:
                raise CommandError(f"Cannot read {options['input']}: {exc.strerror}.") from exc
        else:
            stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        with stream:
            for number, line in enumerate(stream, start=1):
                text = line.rstrip("\r\n")
                if text.strip():
                    yield number, text
