import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeApi, meFor } from "../../../test/fakeApi";
import { page } from "../../../test/posts";
import { renderApp } from "../../../test/renderApp";

const no = (reason: string) => ({ allowed: false, reason, record_id: null, do_not_publish: false });
const AMELIA_STATUS = {
  id: 70,
  display_first_name: "Amelia",
  last_name: "Jones",
  year_group: "Year 4",
  do_not_publish: false,
  channels: Object.fromEntries(["website", "x", "facebook", "instagram"].map((c) => [c, { photo: no("No answer."), full_name: no("No answer."), first_name: no("No answer.") }])),
};
const AMELIA = {
  id: 70, school_id: 1, kind: "pupil", mis_id: "A123", legal_first_name: "Amelia", preferred_first_name: "", display_first_name: "Amelia", last_name: "Jones",
  year_group: "Year 4", registration_group: "4B", date_of_birth: null, on_roll: true, left_on: null, do_not_publish: false, enrolments: 0, consent: {},
  contacts: [{ id: 4, name: "Mum Jones", relationship: "Mother", has_parental_responsibility: true, court_order: false, may_give_consent: true }],
};
const MUM = { id: 4, name: "Mum Jones", relationship: "Mother", has_parental_responsibility: true, court_order: false, may_give_consent: true };

function admin(extra: Record<string, unknown> = {}) {
  return {
    "GET /api/auth/me": { status: 200, body: meFor(["consent_admin"]) },
    "GET /api/people/70/status": { status: 200, body: AMELIA_STATUS },
    "GET /api/people/70": { status: 200, body: AMELIA },
    "GET /api/people/70/consent": { status: 200, body: { current: {}, records: [] } },
    "GET /api/people/70/contacts": { status: 200, body: [MUM] },
    "GET /api/people/70/enrolments": { status: 200, body: [] },
    "GET /api/schools/1/dpia": { status: 200, body: { face_identification_enabled: false, dpia_reference: "", dpo_name: "", dpia_signed_at: null } },
    ...extra,
  } as Parameters<typeof fakeApi>[0];
}

describe("the register, for consent administrators", () => {
  it("adds a person, then opens their page", async () => {
    const created = { id: 90, kind: "adult", mis_id: "", legal_first_name: "Vera", preferred_first_name: "", display_first_name: "Vera", last_name: "Visitor", year_group: "", registration_group: "", on_roll: true, left_on: null, do_not_publish: false };
    const api = fakeApi({
      ...admin(),
      "GET /api/schools/1/people/status": { status: 200, body: page([]) },
      "POST /api/schools/1/people": { status: 201, body: created },
      "GET /api/people/90/status": { status: 200, body: { ...AMELIA_STATUS, id: 90, display_first_name: "Vera", last_name: "Visitor", year_group: "" } },
      "GET /api/people/90": { status: 200, body: { ...AMELIA, id: 90, kind: "adult", mis_id: "", legal_first_name: "Vera", display_first_name: "Vera", last_name: "Visitor", contacts: [] } },
      "GET /api/people/90/consent": { status: 200, body: { current: {}, records: [] } },
      "GET /api/people/90/contacts": { status: 200, body: [] },
      "GET /api/people/90/enrolments": { status: 200, body: [] },
    });
    const { user } = renderApp("/consent/1");

    await user.click(await screen.findByRole("link", { name: "Add a person" }));
    await user.click(await screen.findByRole("button", { name: "Add to the register" }));
    expect(screen.getByText("Enter their legal first name.")).toBeInTheDocument();
    expect(api.find("POST", "/api/schools/1/people")).toHaveLength(0);

    await user.click(screen.getByRole("radio", { name: "Other adult" }));
    await user.type(screen.getByLabelText("Legal first name"), "Vera");
    await user.type(screen.getByLabelText("Last name"), "Visitor");
    await user.click(screen.getByRole("button", { name: "Add to the register" }));

    expect(await screen.findByRole("heading", { name: "Vera Visitor", level: 1 })).toBeInTheDocument();
    expect(screen.getByText(/Vera Visitor added\. No consent is recorded yet/)).toBeInTheDocument();
    expect(api.find("POST", "/api/schools/1/people")[0]?.body).toEqual({
      kind: "adult",
      legal_first_name: "Vera",
      preferred_first_name: "",
      last_name: "Visitor",
      mis_id: "",
      year_group: "",
      registration_group: "",
      date_of_birth: null,
    });
  });

  it("changes a contact's parental responsibility", async () => {
    const api = fakeApi(admin({ "PATCH /api/people/70/contacts/4": { status: 200, body: { ...MUM, has_parental_responsibility: false, may_give_consent: false } } }));
    const { user } = renderApp("/consent/1/people/70");

    const contacts = await screen.findByRole("list", { name: "Contacts" });
    expect(within(contacts).getByText("May give consent")).toBeInTheDocument();
    await user.click(within(contacts).getByRole("button", { name: "Change Mum Jones" }));
    await user.click(within(contacts).getByRole("checkbox", { name: "Has parental responsibility" }));
    await user.click(within(contacts).getByRole("button", { name: "Save contact" }));
    expect(await screen.findByText("Mum Jones saved.")).toBeInTheDocument();
    expect(api.find("PATCH", "/api/people/70/contacts/4")[0]?.body).toEqual({
      name: "Mum Jones",
      relationship: "Mother",
      has_parental_responsibility: false,
      court_order: false,
    });
  });

  it("marks a person as left, and offers the subject access download", async () => {
    const api = fakeApi(admin({ "POST /api/people/70/leave": { status: 200, body: { id: 70, on_roll: false, left_on: "2026-11-01" } } }));
    const { user } = renderApp("/consent/1/people/70");

    expect(await screen.findByRole("link", { name: "Download Amelia Jones's data (ZIP)" })).toHaveAttribute("href", "/api/people/70/export");
    const date = screen.getByLabelText("Date they left");
    await user.clear(date);
    await user.type(date, "2026-11-01");
    await user.click(screen.getByRole("button", { name: "Mark Amelia Jones as left" }));
    expect(await screen.findByText(/Amelia Jones marked as left\. Their consent has ended/)).toBeInTheDocument();
    expect(api.find("POST", "/api/people/70/leave")[0]?.body).toEqual({ left_on: "2026-11-01" });
  });

  it("writes every date the same way, never as 2026-09-05", async () => {
    const record = {
      id: 3, purpose: "photo_website", decision: "granted", given_by: "contact", contact: { id: 4, name: "Mum Jones", relationship: "Mother" }, method: "paper_form",
      given_on: "2026-09-05", expires_on: "2027-08-31", evidence: null, evidence_reference: "", notes: "", import_run: null, recorded_by: "Carla Consent", recorded_at: "2026-09-05T09:00:00Z",
    };
    fakeApi(
      admin({
        "GET /api/people/70": { status: 200, body: { ...AMELIA, on_roll: false, left_on: "2026-12-05" } },
        "GET /api/people/70/consent": { status: 200, body: { current: {}, records: [record] } },
      }),
    );
    renderApp("/consent/1/people/70");

    expect(await screen.findByText(/given 5 Sep 2026 · expires 31 Aug 2027/)).toBeInTheDocument();
    expect(screen.getByText("No, left 5 Dec 2026")).toBeInTheDocument();
    expect(document.body.textContent).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it("erases a person only once their MIS id is typed out", async () => {
    const api = fakeApi(
      admin({
        "POST /api/people/70/erase": { status: 200, body: { id: 70, erased_at: "2026-11-03T10:00:00Z" } },
        "GET /api/schools/1/people/status": { status: 200, body: page([]) },
      }),
    );
    const { user } = renderApp("/consent/1/people/70");

    const panel = await screen.findByRole("region", { name: "Erase Amelia Jones" });
    await user.type(within(panel).getByLabelText(/To confirm, type/), "A12");
    await user.click(within(panel).getByRole("button", { name: "Erase Amelia Jones" }));
    expect(within(panel).getByText("Type A123 exactly to confirm.")).toBeInTheDocument();
    expect(api.find("POST", "/api/people/70/erase")).toHaveLength(0);

    await user.type(within(panel).getByLabelText(/To confirm, type/), "3");
    await user.click(within(panel).getByRole("button", { name: "Erase Amelia Jones" }));
    expect(await screen.findByText("Amelia Jones was erased. The audit trail keeps only that it happened.")).toBeInTheDocument();
    expect(api.find("POST", "/api/people/70/erase")[0]?.body).toEqual({ confirm: "A123" });
    await waitFor(() => expect(screen.getByRole("heading", { name: "Consent at Oakfield Primary", level: 1 })).toBeInTheDocument());
  });

  it("shows a leader the register without the administrator's tools", async () => {
    fakeApi({
      ...admin(),
      "GET /api/auth/me": { status: 200, body: meFor(["leader"]) },
      "GET /api/schools/1/publishing": { status: 200, body: { school: 1, approvals_required: 1, approvals_required_identifiable_pupils: 1, dsl_clearance_required: false, daily_digest: false, paused_at: null, pause_reason: "" } },
      "GET /api/takedowns": { status: 200, body: [] },
      "GET /api/people/70/flags": { status: 200, body: [] },
    });
    renderApp("/consent/1/people/70");
    expect(await screen.findByText("Mum Jones")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Change details" })).toBeNull();
    expect(screen.queryByRole("region", { name: "Erase Amelia Jones" })).toBeNull();
    expect(screen.queryByRole("link", { name: /Download/ })).toBeNull();
  });
});
