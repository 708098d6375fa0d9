import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeApi, meFor } from "../../../test/fakeApi";
import { page } from "../../../test/posts";
import { renderApp } from "../../../test/renderApp";

const DSL = meFor(["dsl"], { full_name: "Dee Safeguarding" });
const POLICY = { school: 1, approvals_required: 1, approvals_required_identifiable_pupils: 1, dsl_clearance_required: false, daily_digest: false, paused_at: null, pause_reason: "" };

function comment(extra: Record<string, unknown> = {}) {
  return {
    id: 51,
    school: 1,
    channel: "facebook",
    external_id: "fb_1",
    publication: 3,
    post_external_id: "p1",
    parent: null,
    parent_external_id: "",
    author_external_id: "u1",
    author_name: "Angry Person",
    text: "I know where that teacher lives",
    platform_created_at: "2026-11-03T10:00:00Z",
    permalink: "https://facebook.example/c/1",
    media_urls: [],
    status: "hidden",
    verdict: "escalate",
    labels: [{ label: "threat", score: 0.97, span: [0, 31], screener: "rules", reason: "Says they know where someone lives." }],
    escalated: true,
    review: "open",
    assigned_to: null,
    assigned_to_name: null,
    decided_by: null,
    decided_at: null,
    edited_at: null,
    created_at: "2026-11-03T10:01:00Z",
    updated_at: "2026-11-03T10:01:00Z",
    ...extra,
  };
}

function detail(extra: Record<string, unknown> = {}) {
  return {
    ...comment(),
    previous_texts: [],
    actions: [{ id: 1, kind: "hide", actor: null, actor_name: "system", note: "", data: {}, platform_op: "hide", platform_state: "done", attempts: 1, last_error: "", next_attempt_at: null, completed_at: "2026-11-03T10:01:05Z", reply_post: null, created_at: "2026-11-03T10:01:00Z" }],
    evidence: [{ id: 8, reason: "before_hide", sha256: "c".repeat(64), captured_at: "2026-11-03T10:01:00Z", captured_by: "system", countersigned_by: null, countersigned_at: null, can_export: false, export_reason: UNSIGNED }],
    ...extra,
  };
}

const UNSIGNED = "This evidence cannot be exported until a second person (a safeguarding lead or a leader) has countersigned it.";
const SECOND_PERSON = "This evidence was captured automatically and you countersigned it: a second person must export it, so that two people stand behind every export.";

const base = {
  "GET /api/auth/me": { status: 200, body: DSL },
  "GET /api/schools/1/publishing": { status: 200, body: POLICY },
  "GET /api/comments/51/notes": { status: 200, body: [] },
};

describe("comment moderation", () => {
  it("lists comments awaiting a decision, escalated first, and acts on several at once", async () => {
    const api = fakeApi({
      ...base,
      "GET /api/comments": { status: 200, body: page([comment(), comment({ id: 52, escalated: false, verdict: "hold", author_name: "Spammer", text: "Cheap watches", labels: [{ label: "spam", score: 0.9, span: null, reason: "" }] })]) },
      "POST /api/comments/bulk": {
        status: 200,
        body: [
          { comment_id: 51, ok: true, detail: "" },
          { comment_id: 52, ok: false, detail: "The school has no facebook account connected, so this cannot be done there." },
        ],
      },
    });
    const { user } = renderApp("/comments");

    const list = await screen.findByRole("list", { name: "Comments" });
    const [first, second] = within(list).getAllByRole("listitem");
    expect(within(first!).getByText("Escalated")).toBeInTheDocument();
    expect(within(first!).getByText("Threat")).toBeInTheDocument();
    expect(within(second!).getByText("Spam or scam")).toBeInTheDocument();
    expect(api.find("GET", "/api/comments")[0]?.query.get("queue")).toBe("open");

    await user.click(screen.getByRole("button", { name: "Apply" }));
    expect(screen.getByText("Choose at least one comment first.")).toBeInTheDocument();
    await user.click(screen.getByRole("checkbox", { name: "Choose every comment on this page" }));
    await user.selectOptions(screen.getByLabelText(/With the 2 chosen/), "keep_hidden");
    await user.type(screen.getByLabelText("Note (optional)"), "Clear-out");
    await user.click(screen.getByRole("button", { name: "Apply" }));

    expect(await screen.findByText("1 done. 1 not done:")).toBeInTheDocument();
    expect(screen.getByText(/Comment 52: The school has no facebook account connected/)).toBeInTheDocument();
    expect(api.find("POST", "/api/comments/bulk")[0]?.body).toEqual({ ids: [51, 52], action: "keep_hidden", note: "Clear-out" });
  });

  it("offers an ordinary leader no escalated comments, which are for the DSL and the head teacher (R13)", async () => {
    const held = comment({ id: 52, escalated: false, verdict: "hold", author_name: "Spammer", text: "Cheap watches", labels: [{ label: "spam", score: 0.9, span: null, reason: "" }] });
    fakeApi({
      ...base,
      "GET /api/auth/me": { status: 200, body: meFor(["leader"], { full_name: "Dev Deputy" }) },
      "GET /api/comments": { status: 200, body: page([comment(), held]) },
    });
    renderApp("/comments?view=escalated");

    const list = await screen.findByRole("list", { name: "Comments" }, { timeout: 10_000 });
    expect(within(list).getAllByRole("listitem")).toHaveLength(1);
    expect(within(list).queryByText("Escalated")).not.toBeInTheDocument();
    expect(within(list).getByText("Spam or scam")).toBeInTheDocument();
    const show = screen.getByLabelText("Show");
    expect(within(show).queryByRole("option", { name: "Escalated to the DSL" })).not.toBeInTheDocument();
    expect(show).toHaveValue("open");
  });

  it("offers the head teacher the escalated comments (R13)", async () => {
    fakeApi({
      ...base,
      "GET /api/auth/me": { status: 200, body: meFor(["leader"], { full_name: "Helen Head", head_teacher: true }) },
      "GET /api/comments": { status: 200, body: page([comment()]) },
    });
    renderApp("/comments?view=escalated");

    const list = await screen.findByRole("list", { name: "Comments" }, { timeout: 10_000 });
    expect(within(list).getByText("Escalated")).toBeInTheDocument();
    expect(screen.getByLabelText("Show")).toHaveValue("escalated");
  });

  it("shows why a comment was held and deletes it only after confirmation", async () => {
    const api = fakeApi({
      ...base,
      "GET /api/comments/51": { status: 200, body: detail() },
      "POST /api/comments/51/delete": { status: 200, body: detail({ status: "deleted", review: "deleted" }) },
    });
    const { user } = renderApp("/comments/51");

    expect(await screen.findByRole("heading", { name: "Comment by Angry Person", level: 1 })).toBeInTheDocument();
    expect(screen.getByRole("note")).toHaveTextContent("Escalated to the designated safeguarding lead.");
    expect(screen.getByText("I know where that teacher lives", { selector: "mark" })).toBeInTheDocument();
    expect(screen.getByText("Says they know where someone lives.")).toBeInTheDocument();

    await user.type(screen.getByLabelText("Note with your decision (optional)"), "Reported to police");
    await user.click(screen.getByRole("button", { name: "Delete" }));
    expect(screen.getByRole("group", { name: "Confirm" })).toHaveTextContent("Evidence is captured first");
    expect(api.find("POST", "/api/comments/51/delete")).toHaveLength(0);
    await user.click(screen.getByRole("button", { name: "Yes, delete" }));
    expect(await screen.findByText("Done: deleted. Deleted.")).toHaveFocus();
    expect(api.find("POST", "/api/comments/51/delete")[0]?.body).toEqual({ note: "Reported to police" });
  });

  it("names each reason a comment was held once, however many times it was found", async () => {
    const found = (span: [number, number], reason: string) => ({ label: "personal_data", score: 1.0, span, screener: "rules", reason });
    const text = "Call 07700 900123 or 07700 900456, email a@b.test, at SW1A 1AA";
    fakeApi({
      ...base,
      "GET /api/comments/51": {
        status: 200,
        body: detail({
          text,
          escalated: false,
          labels: [found([5, 17], "A phone number."), found([21, 33], "A phone number."), found([41, 49], "An email address."), found([54, 62], "A postcode."), { label: "profanity", score: 0.6, span: null, reason: "" }],
        }),
      },
    });
    renderApp("/comments/51");

    const why = await screen.findByRole("region", { name: "Why it was held" });
    expect(within(why).getAllByRole("listitem").map((item) => item.querySelector(".finding__place")?.textContent)).toEqual([
      "Personal details · 100% sure",
      "Swearing · 60% sure",
    ]);
    expect(within(why).getAllByText("A phone number.")).toHaveLength(1);
    expect(within(why).getByText("A postcode.")).toBeInTheDocument();
  });

  it("writes a history entry it has no words for as a capitalised label, not a code", async () => {
    const unknown = { ...detail().actions[0], id: 2, kind: "moved_to_archive", platform_op: "", platform_state: "" };
    fakeApi({ ...base, "GET /api/comments/51": { status: 200, body: detail({ actions: [unknown] }) } });
    renderApp("/comments/51");

    expect(await screen.findByText("Moved to archive")).toBeInTheDocument();
  });

  it("has a second person countersign evidence, and offers export only to whom the server allows, saying why (item 13)", async () => {
    let signed = false;
    const api = fakeApi({
      ...base,
      "GET /api/comments/51": () => ({
        status: 200,
        body: detail({
          evidence: [
            { id: 8, reason: "before_hide", sha256: "c".repeat(64), captured_at: "2026-11-03T10:01:00Z", captured_by: "system", countersigned_by: signed ? "Dee Safeguarding" : null, countersigned_at: signed ? "2026-11-03T11:00:00Z" : null, can_export: false, export_reason: signed ? SECOND_PERSON : UNSIGNED },
            { id: 9, reason: "manual", sha256: "d".repeat(64), captured_at: "2026-11-03T10:30:00Z", captured_by: "Dee Safeguarding", countersigned_by: "Helen Head", countersigned_at: "2026-11-03T10:40:00Z", can_export: true, export_reason: "Dee Safeguarding captured it and Helen Head countersigned it: you may export it." },
          ],
        }),
      }),
      "POST /api/evidence/8/countersign": () => {
        signed = true;
        return { status: 200, body: { id: 8 } };
      },
    });
    const { user } = renderApp("/comments/51");

    const records = await screen.findByRole("list", { name: "Evidence records" });
    const [system, own] = within(records).getAllByRole("listitem");
    expect(within(own!).getByRole("link", { name: "Download PDF" })).toHaveAttribute("href", "/api/evidence/9/export?as=pdf");
    expect(within(own!).getByRole("link", { name: "Download the record (signed JSON)" })).toHaveAttribute("href", "/api/evidence/9/export?as=json");
    expect(within(system!).queryByRole("link", { name: /Download/ })).toBeNull();
    expect(within(system!).getByText(UNSIGNED)).toBeInTheDocument();

    await user.click(within(system!).getByRole("button", { name: /Countersign/ }));
    expect(await screen.findByText("Evidence countersigned.")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByText(SECOND_PERSON)).toBeInTheDocument());
    const signedItem = screen.getAllByRole("listitem").find((li) => li.textContent?.includes("Captured before hiding"))!;
    expect(within(signedItem).queryByRole("link", { name: /Download/ })).toBeNull();
    expect(within(signedItem).queryByRole("button", { name: /Countersign/ })).toBeNull();
    expect(api.find("POST", "/api/evidence/8/countersign")).toHaveLength(1);
  });

  it("tells whoever captured evidence that someone else must countersign it", async () => {
    const own = { id: 9, reason: "manual", sha256: "d".repeat(64), captured_at: "2026-11-03T10:30:00Z", captured_by: "Dee Safeguarding", countersigned_by: null, countersigned_at: null, can_export: false, export_reason: UNSIGNED };
    fakeApi({ ...base, "GET /api/comments/51": { status: 200, body: detail({ evidence: [own] }) } });
    renderApp("/comments/51");

    const records = await screen.findByRole("list", { name: "Evidence records" });
    expect(within(records).getByText("You captured it: someone else must countersign.")).toBeInTheDocument();
    expect(within(records).queryByRole("button", { name: /Countersign/ })).toBeNull();
  });

  it("shows an evidence record as a readable record, not raw JSON (item 12)", async () => {
    const canonical = '{"comment":{"text":"I know where that teacher lives"}}';
    const signed = { id: 8, reason: "before_hide", sha256: "c".repeat(64), captured_at: "2026-11-03T10:01:00Z", captured_by: "system", countersigned_by: "Dee Safeguarding", countersigned_at: "2026-11-03T11:00:00Z", can_export: false, export_reason: SECOND_PERSON };
    fakeApi({
      ...base,
      "GET /api/comments/51": { status: 200, body: detail({ evidence: [signed] }) },
      "GET /api/evidence/8": {
        status: 200,
        body: {
          id: 8, comment: 51, reason: "before_hide", sha256: "c".repeat(64), intact: true, captured_by: null, captured_by_name: "system", captured_at: "2026-11-03T10:01:00Z",
          countersigned_by: 7, countersigned_by_name: "Dee Safeguarding", countersigned_at: "2026-11-03T11:00:00Z", canonical,
          record: {
            format: "school-post-queue/comment-evidence/v1", school: { id: 1, name: "Oakfield" },
            publication: { id: 3, post_id: 12, external_id: "p1", url: "https://facebook.example/p/1" },
            comment: {
              channel: "facebook", external_id: "fb_1", post_external_id: "p1", parent_external_id: "", author_id: "u1", author_name: "Angry Person",
              text: "I know where that teacher lives", previous_texts: [], permalink: "https://facebook.example/c/1",
              platform_created_at: "2026-11-03T10:00:00Z", edited_at: null, first_stored_at: "2026-11-03T10:00:30Z", media: [], verdict: "escalate", escalated: true,
              labels: [{ label: "threat", score: 0.97, span: [0, 31], screener: "rules", reason: "Says they know where someone lives." }],
            },
            media_possibly_indecent: false, media_policy: "", reason: "before_hide", captured_at: "2026-11-03T10:01:00Z", captured_by: { system: "captured automatically" },
          },
        },
      },
    });
    const { user } = renderApp("/comments/51");

    await user.click(await screen.findByRole("button", { name: "View the record" }));
    const record = await screen.findByRole("group", { name: "The evidence record" });
    const facts = Object.fromEntries(within(record).getAllByRole("term").map((term) => [term.textContent, term.nextElementSibling?.textContent]));
    expect(facts["What it said"]).toBe("I know where that teacher lives");
    expect(facts["Author"]).toBe("Angry Person (account u1)");
    expect(facts["Held for"]).toBe("Threat");
    expect(facts["Captured"]).toMatch(/by the screening \(automatically\) \(captured before hiding\)$/);
    expect(facts["Countersigned"]).toMatch(/by Dee Safeguarding$/);
    expect(facts["SHA-256"]).toBe("c".repeat(64));
    expect(within(record).getByRole("link", { name: "The comment on the platform" })).toHaveAttribute("href", "https://facebook.example/c/1");
    expect(within(record).getByText("Intact: matches its SHA-256")).toBeInTheDocument();
    expect(screen.queryByText(canonical)).toBeNull();
  });

  it("makes keeping an escalated comment hidden the main action, and asks before showing it, naming the risk (item 14)", async () => {
    const api = fakeApi({ ...base, "GET /api/comments/51": { status: 200, body: detail() } });
    const { user } = renderApp("/comments/51");

    const decide = await screen.findByRole("region", { name: "Decide" });
    const keep = within(decide).getByRole("button", { name: "Keep hidden" });
    expect(keep).toHaveClass("button--primary");
    expect(within(decide).queryByRole("button", { name: "Approve (show it)" })).toBeNull();
    const show = within(decide).getByRole("button", { name: "Show it publicly" });
    expect(show).not.toHaveClass("button--primary");
    expect(show.compareDocumentPosition(keep) & Node.DOCUMENT_POSITION_PRECEDING).toBeTruthy();

    await user.click(show);
    expect(screen.getByRole("group", { name: "Confirm" })).toHaveTextContent("It was escalated to the DSL as: threat.");
    expect(api.find("POST", "/api/comments/51/approve")).toHaveLength(0);
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(api.find("POST", "/api/comments/51/approve")).toHaveLength(0);
  });

  it("puts the comments before the filters' choices and the bulk actions, so a phone shows them first (item 16)", async () => {
    fakeApi({ ...base, "GET /api/comments": { status: 200, body: page([comment()]) } });
    renderApp("/comments");

    const list = await screen.findByRole("list", { name: "Comments" });
    const bulk = screen.getByRole("form", { name: "Act on the chosen comments" });
    expect(list.compareDocumentPosition(bulk) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(screen.getByText("Filters").closest("details")).not.toHaveAttribute("open");
    const about = screen.getByRole("link", { name: "Screening settings and preview" });
    expect(list.compareDocumentPosition(about) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it("assigns a comment to you and keeps notes", async () => {
    const api = fakeApi({
      ...base,
      "GET /api/comments/51": { status: 200, body: detail() },
      "POST /api/comments/51/assign": { status: 200, body: detail({ assigned_to: 7, assigned_to_name: "Dee Safeguarding" }) },
      "POST /api/comments/51/notes": { status: 201, body: { id: 3, author: "Dee Safeguarding", note: "Rang the police", created_at: "2026-11-03T11:00:00Z" } },
    });
    const { user } = renderApp("/comments/51");

    await user.click(await screen.findByRole("button", { name: "Assign to me" }));
    expect(await screen.findByText("Assigned to you.")).toBeInTheDocument();
    expect(api.find("POST", "/api/comments/51/assign")[0]?.body).toEqual({ assignee: 7 });
    expect(screen.getByRole("button", { name: "Unassign me" })).toBeInTheDocument();

    await user.type(screen.getByLabelText("Add a note"), "Rang the police");
    await user.click(screen.getByRole("button", { name: "Add note" }));
    await waitFor(() => expect(api.find("POST", "/api/comments/51/notes")[0]?.body).toEqual({ text: "Rang the police" }));
  });
});
