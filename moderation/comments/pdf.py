"""A plain, text-only PDF of a comment evidence bundle (no PDF library needed: the format is
simple enough for a few pages of Helvetica text).

The PDF is for people (a DSL handing evidence to the police or the LADO); the signed JSON
bundle is the machine-verifiable form. Characters outside Latin-1 print as "?" here, so
the canonical record is verified from the JSON, never from the PDF.
"""

from __future__ import annotations

import textwrap
from typing import Any

LINES_PER_PAGE = 62
WRAP = 95
FONT_SIZE = 9
LEADING = 12


def _escape(line: str) -> str:
    text = line.encode("latin-1", "replace").decode("latin-1")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _wrap(text: str, indent: str = "") -> list[str]:
    out: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        out += textwrap.wrap(
            paragraph,
            WRAP,
            initial_indent=indent,
            subsequent_indent=indent,
            break_long_words=True,
            break_on_hyphens=False,
            drop_whitespace=False,
        ) or [indent]
    return out


def text_pdf(lines: list[str]) -> bytes:
    """A PDF with ``lines`` (already wrapped) on A4 pages."""
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_obj = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for page_lines in pages:
        ops = [f"BT /F1 {FONT_SIZE} Tf {LEADING} TL 40 800 Td".encode()]
        ops += [f"({_escape(line)}) Tj T*".encode("latin-1") for line in page_lines]
        ops.append(b"ET")
        stream = b"\n".join(ops)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_obj, font, content)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        xref,
    )
    return bytes(out)


def _person(ref: Any) -> str:
    if not isinstance(ref, dict):
        return "-"
    if "system" in ref:
        return f"the system ({ref['system']})"
    return f"{ref.get('name') or ''} <{ref.get('email')}>".strip()


def comment_evidence_pdf(bundle: dict[str, Any]) -> bytes:
    lines = [
        f"Evidence bundle - {bundle['school']['name']}",
        f"Exported {bundle['exported_at']} by {_person(bundle.get('exported_by'))}",
        "",
    ]
    for entry in bundle["records"]:
        record, comment = entry["record"], entry["record"]["comment"]
        lines += [
            f"Evidence record {entry['evidence_id']} ({entry['reason']})",
            f"SHA-256 of the canonical record: {entry['sha256']}",
            f"Captured {entry['captured_at']} by {_person(record.get('captured_by'))}",
            f"Countersigned {entry['countersigned_at']} by {_person(entry['countersigned_by'])}",
            "",
            f"Channel: {comment['channel']}    Comment id: {comment['external_id']}",
            f"Link: {comment['permalink'] or '-'}",
            f"Author: {comment['author_name'] or '-'} (id {comment['author_id'] or '-'})",
            f"Posted on the platform: {comment['platform_created_at'] or '-'}",
            f"Verdict: {comment['verdict']}{' (escalated)' if comment['escalated'] else ''}",
            "Text:",
            *_wrap(comment["text"], "    "),
        ]
        for old in comment.get("previous_texts") or []:
            lines += [
                f"Earlier text (until {old.get('until')}):",
                *_wrap(old.get("text", ""), "    "),
            ]
        lines.append("Why it was held:")
        for label in comment["labels"] or [{"label": "-", "reason": "none"}]:
            lines += _wrap(
                f"{label.get('label')} {label.get('score', '')} span {label.get('span')} "
                f"({label.get('screener', '')}): {label.get('reason')}",
                "    ",
            )
        lines.append("Attached media (never downloaded; URL only):")
        lines += [f"    {m['url']}" for m in comment["media"]] or ["    none"]
        lines += ["", "Canonical record (the exact text hashed; see the JSON bundle):"]
        lines += textwrap.wrap(entry["canonical"], WRAP, drop_whitespace=False) or [""]
        lines.append("")
    signature = bundle.get("signature") or {}
    lines.append(f"Bundle signature ({signature.get('alg')}): {signature.get('value')}")
    return text_pdf(lines)
