# ruff: noqa: E501  (one operation a line: the table reads as a table)
"""Who may do what through the API (issue 16): the table tests/test_api_access.py checks
and docs/security.md shows (`.venv/bin/python -m tests.access_table` prints it for the doc).

Each row: the answer at the school that owns the thing, for each role in ``ROLES`` order |
the same roles at another school | signed out. ``ok``: let in and done (2xx); ``400``/``409``:
let in, then the input or the thing's state refused (the request was a minimal one);
``403``: refused (role, second factor, tablet); ``404``: not found, as for a thing that
does not exist (another school's things never answer 403, so existence does not leak).
"""

ROLES = ("staff", "leader", "dsl", "consent_admin", "trust_admin")
ROLE_HEADINGS = ("staff", "leader (head)", "DSL", "consent admin", "trust admin")

Row = tuple[tuple[str, ...], tuple[str, ...], str]

ACCESS: dict[str, str] = {
    "DELETE /api/people/{person_id}/enrolments/{enrolment_id}": "404 404 404 ok 404 | 404 404 404 404 404 | 403",
    "DELETE /api/posts/{post_id}/images/{image_id}": "ok 403 403 404 404 | 404 404 404 404 404 | 403",
    "DELETE /api/schools/{school_id}/dpia": "404 ok 404 404 ok | 404 404 404 404 404 | 403",
    "GET /api/audit": "ok ok ok ok ok | ok ok ok ok ok | 403",
    "GET /api/auth/csrf": "ok ok ok ok ok | ok ok ok ok ok | ok",
    "GET /api/auth/me": "ok ok ok ok ok | ok ok ok ok ok | 403",
    "GET /api/channel-accounts/{account_id}": "404 404 404 404 ok | 404 404 404 404 404 | 403",
    "GET /api/channels/kinds": "ok ok ok ok ok | ok ok ok ok ok | 403",
    "GET /api/comments": "ok ok ok ok ok | ok ok ok ok ok | 403",
    "GET /api/comments/{comment_id}": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "GET /api/comments/{comment_id}/evidence": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "GET /api/comments/{comment_id}/notes": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "GET /api/comments/{comment_id}/procedures": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "GET /api/comments/{comment_id}/report-pack": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "GET /api/devices/current": "ok ok ok ok ok | ok ok ok ok ok | 403",
    "GET /api/evidence/{evidence_id}": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "GET /api/evidence/{evidence_id}/export": "404 409 409 404 404 | 404 404 404 404 404 | 403",
    "GET /api/mentions": "ok ok ok ok ok | ok ok ok ok ok | 403",
    "GET /api/operations/status": "ok ok ok ok ok | ok ok ok ok ok | 403",
    "GET /api/parent-letters/{letter_id}": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "GET /api/parent-letters/{letter_id}/pdf": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "GET /api/people/{person_id}": "404 ok ok ok 404 | 404 404 404 404 404 | 403",
    "GET /api/people/{person_id}/consent": "404 ok ok ok 404 | 404 404 404 404 404 | 403",
    "GET /api/people/{person_id}/contacts": "404 ok ok ok 404 | 404 404 404 404 404 | 403",
    "GET /api/people/{person_id}/enrolments": "404 404 404 ok 404 | 404 404 404 404 404 | 403",
    "GET /api/people/{person_id}/enrolments/{enrolment_id}/photo": "404 404 404 ok 404 | 404 404 404 404 404 | 403",
    "GET /api/people/{person_id}/evidence": "404 404 404 ok 404 | 404 404 404 404 404 | 403",
    "GET /api/people/{person_id}/evidence/{evidence_id}/file": "404 404 404 ok 404 | 404 404 404 404 404 | 403",
    "GET /api/people/{person_id}/export": "404 404 404 ok 404 | 404 404 404 404 404 | 403",
    "GET /api/people/{person_id}/flags": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "GET /api/people/{person_id}/status": "ok ok ok ok ok | 404 404 404 404 404 | 403",
    "GET /api/posts": "ok ok ok ok ok | ok ok ok ok ok | 403",
    "GET /api/posts/{post_id}": "ok ok ok 404 404 | 404 404 404 404 404 | 403",
    "GET /api/posts/{post_id}/diff": "400 400 400 404 404 | 404 404 404 404 404 | 403",
    "GET /api/posts/{post_id}/history": "ok ok ok 404 404 | 404 404 404 404 404 | 403",
    "GET /api/posts/{post_id}/images/{image_id}/file/{variant}": "ok ok ok 404 404 | 404 404 404 404 404 | 403",
    "GET /api/posts/{post_id}/publications": "ok ok ok 404 404 | 404 404 404 404 404 | 403",
    "GET /api/posts/{post_id}/x-cost": "ok ok ok 404 404 | 404 404 404 404 404 | 403",
    "GET /api/schools/{school_id}/channel-accounts": "404 404 404 404 ok | 404 404 404 404 404 | 403",
    "GET /api/schools/{school_id}/channels": "ok ok ok ok ok | 404 404 404 404 404 | 403",
    "GET /api/schools/{school_id}/devices": "404 404 404 404 ok | 404 404 404 404 404 | 403",
    "GET /api/schools/{school_id}/dpia": "404 ok ok ok ok | 404 404 404 404 404 | 403",
    "GET /api/schools/{school_id}/imports": "404 404 404 ok 404 | 404 404 404 404 404 | 403",
    "GET /api/schools/{school_id}/imports/columns": "404 404 404 ok 404 | 404 404 404 404 404 | 403",
    "GET /api/schools/{school_id}/imports/template": "404 404 404 ok 404 | 404 404 404 404 404 | 403",
    "GET /api/schools/{school_id}/imports/{import_id}": "404 404 404 ok 404 | 404 404 404 404 404 | 403",
    "GET /api/schools/{school_id}/letter-template": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "GET /api/schools/{school_id}/memberships": "404 404 404 404 ok | 404 404 404 404 404 | 403",
    "GET /api/schools/{school_id}/mention-watch": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "GET /api/schools/{school_id}/people": "404 ok ok ok 404 | 404 404 404 404 404 | 403",
    "GET /api/schools/{school_id}/people/status": "ok ok ok ok ok | 404 404 404 404 404 | 403",
    "GET /api/schools/{school_id}/publishing": "ok ok ok ok ok | 404 404 404 404 404 | 403",
    "GET /api/schools/{school_id}/screening": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "GET /api/schools/{school_id}/screening/sensitivity": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "GET /api/schools/{school_id}/x-costs": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "GET /api/takedowns": "ok ok ok ok ok | ok ok ok ok ok | 403",
    "GET /api/takedowns/{takedown_id}": "404 ok 404 404 404 | 404 404 404 404 404 | 403",
    "GET /api/website-comments": "ok ok ok ok ok | ok ok ok ok ok | 403",
    "PATCH /api/channel-accounts/{account_id}": "404 404 404 404 ok | 404 404 404 404 404 | 403",
    "PATCH /api/parent-letters/{letter_id}": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "PATCH /api/people/{person_id}": "404 404 404 ok 404 | 404 404 404 404 404 | 403",
    "PATCH /api/people/{person_id}/contacts/{contact_id}": "404 404 404 ok 404 | 404 404 404 404 404 | 403",
    "PATCH /api/posts/{post_id}": "400 403 403 404 404 | 404 404 404 404 404 | 403",
    "PATCH /api/posts/{post_id}/images/{image_id}": "ok 403 403 404 404 | 404 404 404 404 404 | 403",
    "PATCH /api/schools/{school_id}/publishing": "403 400 403 403 400 | 404 404 404 404 404 | 403",
    "PATCH /api/schools/{school_id}/screening": "403 ok 403 403 403 | 404 404 404 404 404 | 403",
    "POST /api/auth/login": "403 403 403 403 403 | 403 403 403 403 403 | 403",
    "POST /api/auth/logout": "ok ok ok ok ok | ok ok ok ok ok | 403",
    "POST /api/auth/totp/confirm": "400 400 400 400 400 | 400 400 400 400 400 | 403",
    "POST /api/auth/totp/setup": "ok 409 409 409 409 | ok 409 409 409 409 | 403",
    "POST /api/channel-accounts/{account_id}/health-check": "404 404 404 404 ok | 404 404 404 404 404 | 403",
    "POST /api/comments/bulk": "ok ok ok ok ok | ok ok ok ok ok | 403",
    "POST /api/comments/{comment_id}/approve": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "POST /api/comments/{comment_id}/assign": "404 400 400 404 404 | 404 404 404 404 404 | 403",
    "POST /api/comments/{comment_id}/block-author": "404 409 409 404 404 | 404 404 404 404 404 | 403",
    "POST /api/comments/{comment_id}/delete": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "POST /api/comments/{comment_id}/evidence": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "POST /api/comments/{comment_id}/keep-hidden": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "POST /api/comments/{comment_id}/notes": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "POST /api/comments/{comment_id}/parent-letters": "404 400 400 404 404 | 404 404 404 404 404 | 403",
    "POST /api/comments/{comment_id}/platform-reports": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "POST /api/comments/{comment_id}/reclassify": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "POST /api/comments/{comment_id}/reply": "404 409 409 404 404 | 404 404 404 404 404 | 403",
    "POST /api/comments/{comment_id}/report": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "POST /api/evidence/{evidence_id}/countersign": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "POST /api/mentions/{mention_id}/capture": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "POST /api/mentions/{mention_id}/dismiss": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "POST /api/parent-letters/{letter_id}/send": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "POST /api/people/{person_id}/consent": "404 404 404 400 404 | 404 404 404 404 404 | 403",
    "POST /api/people/{person_id}/contacts": "404 404 404 ok 404 | 404 404 404 404 404 | 403",
    "POST /api/people/{person_id}/enrolments": "404 404 404 400 404 | 404 404 404 404 404 | 403",
    "POST /api/people/{person_id}/erase": "404 404 404 400 404 | 404 404 404 404 404 | 403",
    "POST /api/people/{person_id}/evidence": "404 404 404 ok 404 | 404 404 404 404 404 | 403",
    "POST /api/people/{person_id}/flags": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "POST /api/people/{person_id}/flags/{flag_id}/end": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "POST /api/people/{person_id}/leave": "404 404 404 ok 404 | 404 404 404 404 404 | 403",
    "POST /api/people/{person_id}/objection": "ok ok ok ok ok | 404 404 404 404 404 | 403",
    "POST /api/platform-reports/{report_id}/outcome": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "POST /api/posts": "ok ok ok 403 403 | ok ok ok 403 403 | 403",
    "POST /api/posts/{post_id}/approve": "403 409 403 404 404 | 404 404 404 404 404 | 403",
    "POST /api/posts/{post_id}/blur": "400 400 403 404 404 | 404 404 404 404 404 | 403",
    "POST /api/posts/{post_id}/disputes/{dispute_id}/resolve": "403 ok 403 404 404 | 404 404 404 404 404 | 403",
    "POST /api/posts/{post_id}/faces/{face_id}/confirm-adult": "403 409 403 404 404 | 404 404 404 404 404 | 403",
    "POST /api/posts/{post_id}/faces/{face_id}/dispute": "409 409 403 404 404 | 404 404 404 404 404 | 403",
    "POST /api/posts/{post_id}/faces/{face_id}/tag": "409 409 403 404 404 | 404 404 404 404 404 | 403",
    "POST /api/posts/{post_id}/images": "400 403 403 404 404 | 404 404 404 404 404 | 403",
    "POST /api/posts/{post_id}/images/{image_id}/faces": "400 400 403 404 404 | 404 404 404 404 404 | 403",
    "POST /api/posts/{post_id}/notes": "ok ok ok 404 404 | 404 404 404 404 404 | 403",
    "POST /api/posts/{post_id}/reject": "403 ok 403 404 404 | 404 404 404 404 404 | 403",
    "POST /api/posts/{post_id}/request-changes": "403 ok 403 404 404 | 404 404 404 404 404 | 403",
    "POST /api/posts/{post_id}/seen": "403 ok ok 404 404 | 404 404 404 404 404 | 403",
    "POST /api/posts/{post_id}/submit": "409 403 403 404 404 | 404 404 404 404 404 | 403",
    "POST /api/posts/{post_id}/takedown": "403 409 403 404 404 | 404 404 404 404 404 | 403",
    "POST /api/publications/{publication_id}/mark-posted": "404 409 403 404 403 | 404 404 404 404 404 | 403",
    "POST /api/publications/{publication_id}/post-again": "404 409 403 404 403 | 404 404 404 404 404 | 403",
    "POST /api/schools/{school_id}/channel-accounts": "404 404 404 404 409 | 404 404 404 404 404 | 403",
    "POST /api/schools/{school_id}/devices": "404 404 404 404 ok | 404 404 404 404 404 | 403",
    "POST /api/schools/{school_id}/devices/{device_id}/revoke": "404 404 404 404 ok | 404 404 404 404 404 | 403",
    "POST /api/schools/{school_id}/dpia": "404 ok 404 404 ok | 404 404 404 404 404 | 403",
    "POST /api/schools/{school_id}/imports": "404 404 404 ok 404 | 404 404 404 404 404 | 403",
    "POST /api/schools/{school_id}/memberships/{membership_id}/head-teacher": "404 404 404 404 ok | 404 404 404 404 404 | 403",
    "POST /api/schools/{school_id}/memberships/{membership_id}/unlock": "404 404 404 404 ok | 404 404 404 404 404 | 403",
    "POST /api/schools/{school_id}/people": "404 404 404 ok 404 | 404 404 404 404 404 | 403",
    "POST /api/schools/{school_id}/publishing": "403 ok 403 403 ok | 404 404 404 404 404 | 403",
    "POST /api/schools/{school_id}/screening/preview": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "POST /api/takedowns/{takedown_id}/confirm": "404 ok 404 404 404 | 404 404 404 404 404 | 403",
    "POST /api/website-comments/{comment_id}/approve": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "POST /api/website-comments/{comment_id}/reject": "404 ok ok 404 404 | 404 404 404 404 404 | 403",
    "PUT /api/schools/{school_id}/letter-template": "404 ok 403 404 404 | 404 404 404 404 404 | 403",
    "PUT /api/schools/{school_id}/mention-watch": "404 ok 403 404 404 | 404 404 404 404 404 | 403",
    "PUT /api/schools/{school_id}/screening": "403 ok 403 403 403 | 404 404 404 404 404 | 403",
    "PUT /api/schools/{school_id}/screening/sensitivity": "403 ok 403 403 403 | 404 404 404 404 404 | 403",
    "PUT /api/schools/{school_id}/x-costs": "404 400 400 404 404 | 404 404 404 404 404 | 403",
}


def parse_row(text: str) -> Row:
    same, other, anonymous = (part.split() for part in text.split("|"))
    return tuple(same), tuple(other), anonymous[0]


def render_row(row: Row) -> str:
    same, other, anonymous = row
    return f"{' '.join(same)} | {' '.join(other)} | {anonymous}"


def render_markdown() -> str:
    same_headings = " | ".join(ROLE_HEADINGS)
    other_headings = " | ".join(f"other school: {heading}" for heading in ROLE_HEADINGS)
    lines = [
        f"| operation | {same_headings} | {other_headings} | signed out |",
        "|---" * (2 + 2 * len(ROLES)) + "|",
    ]
    for operation in sorted(ACCESS, key=lambda op: (op.split(" ", 1)[1], op)):
        same, other, anonymous = parse_row(ACCESS[operation])
        lines.append(f"| `{operation}` | {' | '.join(same)} | {' | '.join(other)} | {anonymous} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_markdown(), end="")
