import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeApi, meFor } from "../../../test/fakeApi";
import { page } from "../../../test/posts";
import { renderApp } from "../../../test/renderApp";

const yes = (reason: string) => ({ allowed: true, reason, record_id: 1, do_not_publish: false });
const no = (reason: string) => ({ allowed: false, reason, record_id: null, do_not_publish: false });
const DNP = { allowed: false, reason: "Do not publish.", record_id: null, do_not_publish: true };

function channels(decision: (channel: string) => object) {
  return Object.fromEntries(
    ["website", "x", "facebook", "instagram"].map((c) => [c, { photo: decision(c), full_name: no("No consent for full name."), first_name: yes("First name allowed.") }]),
  );
}

const AMELIA = {
  id: 70,
  display_first_name: "Amelia",
  last_name: "Jones",
  year_group: "Year 4",
  do_not_publish: false,
  channels: channels((c) => (c === "website" ? yes("Photo on the school website: granted by Mum on 3 Sep 2026.") : no("No answer recorded: no means no."))),
};
const TOM = {
  id: 71,
  display_first_name: "Tom",
  last_name: "Reed",
  year_group: "Year 4",
  do_not_publish: true,
  channels: Object.fromEntries(["website", "x", "facebook", "instagram"].map((c) => [c, { photo: DNP, full_name: DNP, first_name: DNP }])),
};

describe("consent look-up", () => {
  it("shows staff who may appear where, and only 'Do not publish' for a flagged pupil", async () => {
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: meFor(["staff"]) },
      "GET /api/schools/1/people/status": { status: 200, body: page([AMELIA, TOM]) },
    });
    const { user } = renderApp("/consent");

    expect(await screen.findByRole("heading", { name: "Consent at Oakfield Primary" })).toBeInTheDocument();
    await user.type(screen.getByLabelText("Search by name"), "Year 4");
    await user.click(screen.getByRole("button", { name: "Search" }));
    await waitFor(() => expect(api.find("GET", "/api/schools/1/people/status").at(-1)?.query.get("search")).toBe("Year 4"));

    const people = await screen.findByRole("list", { name: "People" });
    const amelia = within(people).getByRole("link", { name: "Amelia Jones" }).closest("li") as HTMLElement;
    expect(within(amelia).getByText("School website: photo OK")).toBeInTheDocument();
    expect(within(amelia).getByText("X: no photo")).toBeInTheDocument();
    const tom = within(people).getByRole("link", { name: "Tom Reed" }).closest("li") as HTMLElement;
    expect(within(tom).getByText("Do not publish")).toBeInTheDocument();
    expect(within(tom).queryByText(/photo OK/)).toBeNull();
    // Staff do not get the register, nor the DPIA.
    expect(screen.queryByLabelText(/Whole register/)).toBeNull();
    expect(api.find("GET", "/api/schools/1/dpia")).toHaveLength(0);
  });

  it("shows a member of staff a flagged person's page as 'Do not publish', with no reasons and no records", async () => {
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: meFor(["staff"]) },
      "GET /api/people/71/status": { status: 200, body: TOM },
    });
    renderApp("/consent/1/people/71");

    expect(await screen.findByRole("heading", { name: "Tom Reed", level: 1 })).toBeInTheDocument();
    expect(screen.getByRole("note")).toHaveTextContent("Do not publish. Never use Tom's photo or name in any school post");
    expect(screen.getByText("No: not on any channel, not by name.")).toBeInTheDocument();
    expect(screen.queryByRole("region", { name: "School website" })).toBeNull();
    expect(document.body.textContent).not.toMatch(/looked.after|adopted|court order/i);
    expect(screen.queryByRole("heading", { name: "Consent history" })).toBeNull();
    expect(api.find("GET", "/api/people/71")).toHaveLength(0);
    expect(api.find("GET", "/api/people/71/consent")).toHaveLength(0);
    expect(screen.getByRole("button", { name: "Record an objection" })).toBeInTheDocument();
  });

  it("shows a leader why a person must not be published", async () => {
    const withReason = { ...DNP, sensitive_reason: "Looked-after child" };
    fakeApi({
      "GET /api/auth/me": { status: 200, body: meFor(["leader"]) },
      "GET /api/schools/1/publishing": { status: 200, body: { school: 1, approvals_required: 1, approvals_required_identifiable_pupils: 1, dsl_clearance_required: false, daily_digest: false, paused_at: null, pause_reason: "" } },
      "GET /api/people/71/status": { status: 200, body: { ...TOM, channels: { website: { photo: withReason, full_name: withReason, first_name: withReason } } } },
      "GET /api/people/71": { status: 404, body: { detail: "Not found." } },
      "GET /api/people/71/consent": { status: 200, body: { current: { photo_website: withReason }, records: [] } },
      "GET /api/people/71/flags": { status: 200, body: [{ id: 2, kind: "looked_after", note: "", created_at: "2026-09-01T08:00:00Z", ended_at: null }] },
    });
    renderApp("/consent/1/people/71");
    expect((await screen.findAllByText("Why (leaders and DSL only): Looked-after child")).length).toBeGreaterThan(0);
    expect(await screen.findByRole("heading", { name: "Safeguarding flags (DSL and leaders only)" })).toBeInTheDocument();
  });

  it("imports an MIS file and lists every rejected row with its line and reason", async () => {
    const run = {
      id: 9,
      filename: "roll.csv",
      sha256: "b".repeat(64),
      status: "applied_with_errors",
      full_roll: true,
      rows: 120,
      created: 3,
      updated: 10,
      unchanged: 104,
      left: 1,
      consent_records: 8,
      error_count: 2,
      errors: [
        { line: 7, mis_id: "A123", errors: ["date_of_birth: '31/02/2015' is not a date (use YYYY-MM-DD)."] },
        { line: 19, mis_id: "", errors: ["mis_id is missing.", "last_name is missing."] },
      ],
      started_at: "2026-11-03T09:00:00Z",
      finished_at: "2026-11-03T09:00:02Z",
      duration_ms: 1800,
    };
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: meFor(["consent_admin"]) },
      "GET /api/schools/1/imports": [
        { status: 200, body: page([]) },
        { status: 200, body: page([run]) },
      ],
      "POST /api/schools/1/imports": { status: 201, body: run },
    });
    const { user } = renderApp("/consent/1/imports");

    await user.click(await screen.findByRole("button", { name: "Import" }));
    expect(screen.getByLabelText("MIS export (CSV)")).toHaveAccessibleDescription(expect.stringContaining("Choose the CSV file exported from the MIS."));
    await user.upload(screen.getByLabelText("MIS export (CSV)"), new File(["mis_id,..."], "roll.csv", { type: "text/csv" }));
    await user.click(screen.getByRole("checkbox", { name: /This is the whole roll/ }));
    await user.click(screen.getByRole("button", { name: "Import" }));

    expect(await screen.findByRole("heading", { name: "Import report" })).toHaveFocus();
    expect(api.find("POST", "/api/schools/1/imports")[0]?.body).toMatchObject({ full_roll: "true" });
    const report = screen.getByRole("region", { name: "Import report" });
    expect(within(report).getByText("Applied, some rows rejected")).toBeInTheDocument();
    const table = within(report).getByRole("table");
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((row) => within(row).getAllByRole("cell").map((cell) => cell.textContent))).toEqual([
      ["7", "A123", "date_of_birth: '31/02/2015' is not a date (use YYYY-MM-DD)."],
      ["19", "—", "mis_id is missing.last_name is missing."],
    ]);
    expect(await screen.findByRole("link", { name: /roll.csv/ })).toHaveAttribute("href", "/consent/1/imports/9");
  });

  it("offers the CSV template and says what each column holds, beside the upload (issue 17, item 17)", async () => {
    fakeApi({
      "GET /api/auth/me": { status: 200, body: meFor(["consent_admin"]) },
      "GET /api/schools/1/imports": { status: 200, body: page([]) },
      "GET /api/schools/1/imports/columns": {
        status: 200,
        body: [
          { header: "mis_id", mandatory: true, values: "text, up to 50 characters", notes: "UPN, admission number or staff code" },
          { header: "consent_photo_website", mandatory: false, values: "granted, refused or blank", notes: "photos on the school website" },
        ],
      },
    });
    renderApp("/consent/1/imports");

    const template = await screen.findByRole("link", { name: "Download the CSV template" });
    expect(template).toHaveAttribute("href", "/api/schools/1/imports/template");
    expect(template).toHaveAttribute("download");
    const guide = screen.getByRole("link", { name: "What each column holds" });
    const columns = await screen.findByRole("region", { name: "What each column holds" });
    expect(guide).toHaveAttribute("href", `#${within(columns).getByRole("heading").id}`);
    const rows = within(columns).getAllByRole("row").slice(1);
    expect(rows.map((row) => row.textContent)).toEqual([
      "mis_id (required)text, up to 50 charactersUPN, admission number or staff code",
      "consent_photo_websitegranted, refused or blankphotos on the school website",
    ]);
  });

  it("lets a consent administrator record a decision from a parent", async () => {
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: meFor(["consent_admin"]) },
      "GET /api/people/70/status": { status: 200, body: AMELIA },
      "GET /api/people/70": {
        status: 200,
        body: {
          id: 70, school_id: 1, kind: "pupil", mis_id: "A123", legal_first_name: "Amelia", preferred_first_name: "", display_first_name: "Amelia", last_name: "Jones",
          year_group: "Year 4", registration_group: "4B", date_of_birth: null, on_roll: true, left_on: null, do_not_publish: false, enrolments: 0, consent: {},
          contacts: [{ id: 4, name: "Mum Jones", relationship: "Mother", has_parental_responsibility: true, court_order: false, may_give_consent: true }],
        },
      },
      "GET /api/people/70/consent": { status: 200, body: { current: {}, records: [] } },
      "GET /api/people/70/enrolments": { status: 200, body: [] },
      "POST /api/people/70/consent": { status: 201, body: { current: {}, records: [] } },
      "GET /api/schools/1/dpia": { status: 200, body: { face_identification_enabled: false, dpia_reference: "", dpo_name: "", dpia_signed_at: null } },
    });
    const { user } = renderApp("/consent/1/people/70");

    await user.click(await screen.findByRole("button", { name: "Record decision" }));
    expect(await screen.findByText("Choose what the decision is about.")).toBeInTheDocument();
    await user.click(screen.getByRole("checkbox", { name: "Photo on X" }));
    await user.selectOptions(screen.getByLabelText("Who gave it"), "4");
    await user.type(screen.getByLabelText("Given on"), "2026-09-03");
    await user.click(screen.getByRole("button", { name: "Record decision" }));
    expect(await screen.findByText("Consent decision recorded.")).toBeInTheDocument();
    expect(api.find("POST", "/api/people/70/consent")[0]?.body).toEqual({
      purposes: ["photo_x"],
      decision: "granted",
      given_by: "contact",
      contact_id: 4,
      method: "paper_form",
      given_on: "2026-09-03",
      expires_on: null,
      evidence_id: null,
      evidence_reference: "",
      notes: "",
    });
  });
});
