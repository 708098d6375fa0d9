import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeApi, meFor } from "../../../test/fakeApi";
import { renderApp } from "../../../test/renderApp";

const HEAD = meFor(["leader"], { full_name: "Helen Head", head_teacher: true });
const POLICY = { school: 1, approvals_required: 1, approvals_required_identifiable_pupils: 1, dsl_clearance_required: false, daily_digest: false, paused_at: null, pause_reason: "" };
const THREAT = "I know where that teacher lives";

const detail = {
  id: 51, school: 1, channel: "facebook", external_id: "fb_1", publication: 3, post_external_id: "p1", parent: null,
  parent_external_id: "", author_external_id: "u1", author_name: "Angry Person", text: THREAT,
  platform_created_at: "2026-11-03T10:00:00Z", permalink: "https://facebook.example/c/1", media_urls: [], status: "hidden",
  verdict: "escalate", labels: [{ label: "threat", score: 0.97, span: [0, 31], screener: "rules", reason: "Says they know where someone lives." }],
  escalated: true, review: "open", assigned_to: null, assigned_to_name: null, decided_by: null, decided_at: null, edited_at: null,
  created_at: "2026-11-03T10:01:00Z", updated_at: "2026-11-03T10:01:00Z", previous_texts: [], actions: [],
  evidence: [{ id: 8, reason: "before_hide", sha256: "c".repeat(64), captured_at: "2026-11-03T10:01:00Z", captured_by: "system", countersigned_by: null, countersigned_at: null }],
};

function pack(platform: string, name: string, own: boolean) {
  return {
    platform, name, is_comment_platform: own, report_route: [`Open it on ${name} and choose Report.`], report_url: "https://help.example/report",
    facts: [
      { key: "permalink", title: "Link to the comment", value: "https://facebook.example/c/1" },
      { key: "text", title: "Exact text", value: THREAT },
    ],
    what_to_expect: "An answer in a day or two.", police_note: "If anyone may be in danger, call 999 now.", escalation_note: "", instructions_from: "packaged",
  };
}

const report = { id: 4, comment_id: 51, platform: "facebook", reported_at: "2026-11-03T12:00:00Z", reported_by_name: "Helen Head", reference: "FB-1", note: "", outcome: "awaiting", outcome_note: "", outcome_recorded_by_name: null, outcome_recorded_at: null };
const letter = { id: 6, comment_id: 51, recipient_name: "Mr Smith", contact_id: null, subject: "Invitation to a meeting at Oakfield", body: "Dear Mr Smith,\n\nPlease come in.", status: "draft", created_by_name: "Helen Head", created_at: "2026-11-03T12:05:00Z", updated_at: "2026-11-03T12:05:00Z", sent_by_name: null, sent_at: null };

describe("procedures on a case", () => {
  it("prepares the report pack, records the report and drafts the letter to the parent", async () => {
    let reports: unknown[] = [];
    let letters: unknown[] = [];
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: HEAD },
      "GET /api/schools/1/publishing": { status: 200, body: POLICY },
      "GET /api/comments/51": { status: 200, body: detail },
      "GET /api/comments/51/notes": { status: 200, body: [] },
      "GET /api/comments/51/procedures": () => ({ status: 200, body: { reports, letters } }),
      "GET /api/comments/51/report-pack": {
        status: 200,
        body: { comment_id: 51, channel: "facebook", evidence_id: 8, evidence_sha256: "c".repeat(64), may_be_in_danger: true, packs: [pack("facebook", "Facebook", true), pack("x", "X", false)] },
      },
      "POST /api/comments/51/platform-reports": () => {
        reports = [report];
        return { status: 201, body: report };
      },
      "POST /api/comments/51/parent-letters": (request) => {
        const body = request.body as Record<string, string>;
        if (!body.note_taker) return { status: 400, body: { note_taker: ["Fill in the colleague taking notes."] } };
        letters = [letter];
        return { status: 201, body: letter };
      },
    });
    const { user } = renderApp("/comments/51");

    await user.click(await screen.findByRole("button", { name: "Prepare the report pack" }, { timeout: 10_000 }));
    expect(await screen.findByText("Someone may be in danger.")).toBeInTheDocument();
    const facebookFacts = screen.getByLabelText("Facts for Facebook");
    expect(within(facebookFacts).getByText(THREAT)).toBeInTheDocument();

    const record = screen.getByRole("form", { name: "Record a report" });
    await user.type(within(record).getByLabelText("Reference number (if the platform gave one)"), "FB-1");
    await user.click(within(record).getByRole("button", { name: "Record the report" }));
    expect(await screen.findByText("Report to Facebook recorded.")).toBeInTheDocument();
    expect(api.find("POST", "/api/comments/51/platform-reports")[0]?.body).toEqual({ platform: "facebook", reference: "FB-1", note: "" });
    expect(await within(screen.getByRole("list", { name: "Reports to platforms" })).findByText(/reference FB-1/)).toBeInTheDocument();

    const draft = screen.getByRole("form", { name: "Draft a letter" });
    await user.type(within(draft).getByLabelText("To (the parent or carer)"), "Mr Smith");
    await user.type(within(draft).getByLabelText("When the meeting is"), "Tuesday at 3.30pm");
    await user.click(within(draft).getByRole("button", { name: "Draft the letter" }));
    expect(await within(draft).findByText("Fill in the colleague taking notes.")).toBeInTheDocument();
    await user.type(within(draft).getByLabelText("Colleague taking notes"), "Mrs Patel");
    await user.click(within(draft).getByRole("button", { name: "Draft the letter" }));
    const letterList = await screen.findByRole("list", { name: "Letters" });
    expect(await within(letterList).findByLabelText("Letter")).toHaveValue("Dear Mr Smith,\n\nPlease come in.");
    expect(within(letterList).getByRole("link", { name: "Download as PDF" })).toHaveAttribute("href", "/api/parent-letters/6/pdf");
  });

  it("matches the author to a parent on the register and drafts the letter to them", async () => {
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: HEAD },
      "GET /api/schools/1/publishing": { status: 200, body: POLICY },
      "GET /api/comments/51": { status: 200, body: detail },
      "GET /api/comments/51/notes": { status: 200, body: [] },
      "GET /api/comments/51/procedures": { status: 200, body: { reports: [], letters: [] } },
      "GET /api/schools/1/people": { status: 200, body: { count: 1, next: null, previous: null, results: [{ id: 70, kind: "pupil", mis_id: "A1", legal_first_name: "Ava", preferred_first_name: "", display_first_name: "Ava", last_name: "Brown", year_group: "Year 5", registration_group: "5B", on_roll: true, left_on: null, do_not_publish: false }] } },
      "GET /api/people/70/contacts": { status: 200, body: [{ id: 9, name: "Jane Brown", relationship: "Mother", has_parental_responsibility: true, court_order: false, mis_key: "", created_at: "2026-09-01T00:00:00Z" }] },
      "POST /api/comments/51/parent-letters": { status: 201, body: letter },
    });
    const { user } = renderApp("/comments/51");

    const draft = await screen.findByRole("form", { name: "Draft a letter" }, { timeout: 10_000 });
    await user.click(within(draft).getByText("Match the author to a parent on the register (optional)"));
    await user.type(within(draft).getByLabelText("Pupil's name"), "Ava");
    await user.click(await within(draft).findByRole("button", { name: "Ava Brown (Year 5)" }));
    await user.click(await within(draft).findByRole("button", { name: "Jane Brown (Mother)" }));
    expect(within(draft).getByLabelText("To (the parent or carer)")).toHaveValue("Jane Brown");
    await user.type(within(draft).getByLabelText("When the meeting is"), "Monday 4pm");
    await user.type(within(draft).getByLabelText("Colleague taking notes"), "Mrs Patel");
    await user.click(within(draft).getByRole("button", { name: "Draft the letter" }));

    await screen.findByText("Letter drafted. Check and edit it, then a leader sends it.");
    expect(api.find("POST", "/api/comments/51/parent-letters")[0]?.body).toMatchObject({ person_id: 70, contact_id: 9, recipient_name: "Jane Brown" });
  });
});
