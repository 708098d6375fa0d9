"""Run the safeguarding checks on text and photos without storing a post.

Schools use it to check a batch of photos before an event; we use it to measure accuracy.
Boxes are [top, right, bottom, left] in pixels of each input file as given, after its EXIF
orientation, whatever scale the analysis ran at.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.accounts.models import School
from backend.faces.match import Gallery
from consent import selectors as consent_selectors
from moderation import imaging
from moderation.checks.evaluate import CheckSettings, ImageView, analyse_image, evaluate
from moderation.models import CHANNEL_TEXT_LIMITS
from moderation.selectors import person_labels


class Command(BaseCommand):
    help = "Check a post's text and photos against the school's register (nothing is stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True)
        parser.add_argument("--text", default="")
        parser.add_argument(
            "--alt",
            action="append",
            default=[],
            help="alt text, one per --image, in the same order",
        )
        parser.add_argument("--image", action="append", default=[], help="path to a photo")
        parser.add_argument(
            "--channel", action="append", default=[], choices=sorted(CHANNEL_TEXT_LIMITS)
        )
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"No school with slug {options['school']!r}.")
        channels = options["channel"] or ["website"]
        check = CheckSettings.from_django()
        gallery: Gallery[int] | None = None
        views: list[ImageView] = []
        alts = options["alt"]
        for n, path in enumerate(options["image"]):
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise CommandError(f"{path}: {exc.strerror}") from exc
            try:
                imaging.inspect_upload(data, max_bytes=200 * 2**20, max_pixels=200_000_000)
            except imaging.ImageRejected as exc:
                raise CommandError(f"{path}: {exc.message}") from exc
            if gallery is None:
                gallery = consent_selectors.identification_gallery_prepared(
                    school=school, purpose_note="check_post command"
                )
            _, faces = analyse_image(data, check=check, gallery=gallery)
            views.append(
                ImageView(key=path, alt_text=alts[n] if n < len(alts) else "", faces=faces)
            )
        result = evaluate(school=school, channels=channels, text=options["text"], images=views)
        labels = person_labels(
            person_ids={f.person_id for v in views for f in v.faces if f.person_id}
        )
        report: dict[str, Any] = {
            "verdict": result.verdict,
            "faces": [
                {
                    "image": v.key,
                    "box": list(f.box.as_tuple()),
                    "identifiable": f.identifiable,
                    "person": labels[f.person_id]["mis_id"] if f.person_id in labels else None,
                    "distance": round(f.distance, 4) if f.distance is not None else None,
                }
                for v in views
                for f in v.faces
            ],
            "findings": [f.as_dict() for f in result.findings],
        }
        if options["json"]:
            self.stdout.write(json.dumps(report))
            return
        self.stdout.write(f"Verdict: {result.verdict}")
        for face in report["faces"]:
            who = face["person"] or "unidentified"
            self.stdout.write(
                f"  face {face['box']} in {face['image']}: {who}"
                f"{'' if face['identifiable'] else ' (too small to identify)'}"
            )
        for finding in result.findings:
            self.stdout.write(f"  {finding.rule} [{finding.severity}] {finding.message}")
