"""Report-to-platform packs: what each platform's report form asks for, filled from the
evidence record (R12), with the platform's report route, what to expect and the police note.

The instructions are data, not code: procedures/platforms/<platform>.json ships with the
product, and a school or trust replaces any of them without a release by putting a file
of the same name in ``PROCEDURES_PLATFORM_DIR`` (for every school) or in
``PROCEDURES_PLATFORM_DIR/<school slug>/`` (for one school). Pure functions, no database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings

from .models import Platform

PACKAGED_DIR = Path(__file__).resolve().parent / "platforms"
REQUIRED_KEYS = ("name", "report_route", "fields", "what_to_expect", "police_note")

# The reason to choose on the platform's form, from the screener's labels (most serious first).
CATEGORY_BY_LABEL = {
    "threat": "Violence or threats (a credible threat to someone's safety)",
    "hate": "Hate speech",
    "sexual": "Sexual content involving or aimed at a child",
    "self_harm": "Suicide or self-harm",
    "allegation": "Harassment: allegations about a named member of staff or pupil",
    "personal_data": "Sharing private information",
    "profanity": "Bullying or harassment",
    "spam": "Spam",
}
DANGER_LABELS = frozenset({"threat", "self_harm", "sexual"})


@dataclass(frozen=True)
class PackField:
    key: str
    label: str
    value: str


@dataclass(frozen=True)
class PlatformPack:
    platform: str
    name: str
    is_comment_platform: bool
    report_route: list[str]
    report_url: str
    fields: list[PackField]
    what_to_expect: str
    police_note: str
    escalation_note: str
    source: str  # which file the instructions came from (packaged, trust-wide or the school's)


@dataclass(frozen=True)
class AuthorHistory:
    """The author's comments at this school: how long this has been going on."""

    first_at: datetime | None
    last_at: datetime | None
    count: int


def instructions_for(platform: str, *, school_slug: str) -> tuple[dict[str, Any], str]:
    """The platform's instructions and where they came from: the school's override, the
    installation's override, or the packaged file."""
    override = settings.PROCEDURES_PLATFORM_DIR
    candidates = []
    if override:
        candidates += [
            (Path(override) / school_slug / f"{platform}.json", "school"),
            (Path(override) / f"{platform}.json", "override"),
        ]
    candidates.append((PACKAGED_DIR / f"{platform}.json", "packaged"))
    for path, source in candidates:
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and all(key in data for key in REQUIRED_KEYS):
                return data, source
    raise FileNotFoundError(f"No valid report instructions for {platform}.")


def _duration(history: AuthorHistory) -> str:
    if history.first_at is None or history.last_at is None or history.count <= 1:
        return "A single comment so far."
    days = (history.last_at - history.first_at).days
    span = "the same day" if days == 0 else f"{days} day{'s' if days != 1 else ''}"
    return (
        f"{history.count} comments by this author over {span}, from "
        f"{history.first_at.isoformat()} to {history.last_at.isoformat()}."
    )


def _category(labels: list[dict[str, Any]]) -> str:
    names = [str(label.get("label")) for label in labels]
    for label in CATEGORY_BY_LABEL:
        if label in names:
            return CATEGORY_BY_LABEL[label]
    return "Bullying or harassment"


def evidence_values(
    record: dict[str, Any], *, sha256: str, history: AuthorHistory
) -> dict[str, str]:
    """Every fact a report form may ask for, taken from the evidence record as captured."""
    comment = record.get("comment") or {}
    publication = record.get("publication") or {}
    author_id = comment.get("author_id") or "not given by the platform"
    media = comment.get("media") or []
    return {
        "permalink": comment.get("permalink") or "-",
        "text": comment.get("text") or "",
        "author": f"{comment.get('author_name') or '-'} (id {author_id})",
        "handle": f"{comment.get('author_name') or '-'} (id {author_id})",
        "posted_at": comment.get("platform_created_at") or "not given by the platform",
        "duration": _duration(history),
        "post_url": publication.get("url") or "-",
        "category": _category(list(comment.get("labels") or [])),
        "media": (
            "; ".join(f"{m.get('url')} (not downloaded)" for m in media)
            if media
            else "none attached"
        ),
        "evidence": f"Evidence captured {record.get('captured_at')}, SHA-256 {sha256}",
    }


def may_be_in_danger(record: dict[str, Any]) -> bool:
    labels = (record.get("comment") or {}).get("labels") or []
    return any(str(label.get("label")) in DANGER_LABELS for label in labels)


def build_packs(
    record: dict[str, Any], *, sha256: str, history: AuthorHistory, school_slug: str
) -> list[PlatformPack]:
    """One pack per platform, the comment's own platform first."""
    values = evidence_values(record, sha256=sha256, history=history)
    channel = (record.get("comment") or {}).get("channel")
    ordered = sorted(Platform.values, key=lambda p: p != channel)
    packs = []
    for platform in ordered:
        data, source = instructions_for(platform, school_slug=school_slug)
        fields = [
            PackField(key=str(f["key"]), label=str(f["label"]), value=values.get(f["key"], "-"))
            for f in data["fields"]
        ]
        fields.append(PackField(key="evidence", label="Evidence record", value=values["evidence"]))
        packs.append(
            PlatformPack(
                platform=platform,
                name=str(data["name"]),
                is_comment_platform=platform == channel,
                report_route=[str(step) for step in data["report_route"]],
                report_url=str(data.get("report_url") or ""),
                fields=fields,
                what_to_expect=str(data["what_to_expect"]),
                police_note=str(data["police_note"]),
                escalation_note=str(data.get("escalation_note") or ""),
                source=source,
            )
        )
    return packs
