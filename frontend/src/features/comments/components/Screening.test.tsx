import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeApi, meFor, type SentRequest } from "../../../test/fakeApi";
import { renderApp } from "../../../test/renderApp";

const LABELS = ["allegation", "hate", "personal_data", "profanity", "self_harm", "sexual", "spam", "threat"];
const DEFAULTS = Object.fromEntries(LABELS.map((label) => [label, label === "profanity" ? 0.9 : 0.5]));
const POLICY = { school: 1, approvals_required: 1, approvals_required_identifiable_pupils: 1, dsl_clearance_required: false, daily_digest: false, paused_at: null, pause_reason: "" };

const SETTINGS = {
  school: 1,
  thresholds: { spam: 0.7 },
  effective_thresholds: { ...DEFAULTS, spam: 0.7 },
  labels: LABELS,
  blocked_words: ["muppet"],
  allowed_words: ["Scunthorpe"],
  staff_names: ["Jones"],
  allowed_domains: ["oakfield.sch.uk"],
  fetch_channels: ["website", "facebook", "instagram"],
  updated_at: "2026-11-01T09:00:00Z",
};

function routes(roles: string[], extra: Record<string, unknown> = {}) {
  return {
    "GET /api/auth/me": { status: 200, body: meFor(roles) },
    "GET /api/schools/1/publishing": { status: 200, body: POLICY },
    "GET /api/takedowns": { status: 200, body: [] },
    "GET /api/schools/1/screening": { status: 200, body: SETTINGS },
    ...extra,
  } as Parameters<typeof fakeApi>[0];
}

describe("comment screening settings", () => {
  it("screens a sample comment and marks what it found, where", async () => {
    const text = "🙂 Mr Jones hit my son, call 07700 900123";
    const api = fakeApi(
      routes(["leader"], {
        "POST /api/schools/1/screening/preview": {
          status: 200,
          body: {
            verdict: "escalate",
            labels: [
              { label: "allegation", score: 0.93, span: [2, 21], screener: "rules", reason: "A member of staff is accused of harm." },
              { label: "personal_data", score: 1.0, span: [28, 40], screener: "rules", reason: "A phone number." },
            ],
          },
        },
      }),
    );
    const { user } = renderApp("/comments/settings");

    await user.type(await screen.findByLabelText("Sample comment"), text);
    await user.click(screen.getByLabelText(/From a new or unknown account/));
    await user.click(screen.getByRole("button", { name: "Screen this comment" }));

    expect(await screen.findByText("Would be escalated")).toBeInTheDocument();
    expect(api.find("POST", "/api/schools/1/screening/preview")[0]?.body).toEqual({ text, author_is_new: true });
    // Spans count code points (the emoji is one), as Python does.
    const marks = document.querySelectorAll(".preview-result mark");
    expect([...marks].map((mark) => mark.textContent)).toEqual(["[flagged: Mr Jones hit my son]", "[flagged: 07700 900123]"]);
    const found = screen.getByRole("list", { name: "What the screening found" });
    expect(within(found).getByText("Allegation about staff or pupils")).toBeInTheDocument();
    expect(within(found).getByText("A member of staff is accused of harm.")).toBeInTheDocument();
    expect(within(found).getByText(/93% sure/)).toBeInTheDocument();
  });

  it("lets a leader change thresholds and word lists, sending only this school's own values", async () => {
    const api = fakeApi(routes(["leader"], { "PUT /api/schools/1/screening": (request: SentRequest) => ({ status: 200, body: { ...SETTINGS, ...(request.body as object), updated_at: "2026-11-03T09:00:00Z" } }) }));
    const { user } = renderApp("/comments/settings");

    const threat = await screen.findByLabelText("Threat");
    expect(threat).toHaveValue(50);
    expect(screen.getByLabelText("Spam or scam")).toHaveValue(70);
    await user.clear(threat);
    await user.type(threat, "40");
    const blocked = screen.getByLabelText("Words to always hold");
    expect(blocked).toHaveValue("muppet");
    await user.type(blocked, "\nplonker\n\nmuppet");
    await user.click(screen.getByRole("checkbox", { name: "X" }));
    await user.click(screen.getByRole("button", { name: "Save settings" }));

    expect(await screen.findByText("Screening settings saved. New comments are screened with them.")).toBeInTheDocument();
    expect(api.find("PUT", "/api/schools/1/screening")[0]?.body).toEqual({
      thresholds: { spam: 0.7, threat: 0.4 },
      blocked_words: ["muppet", "plonker"],
      allowed_words: ["Scunthorpe"],
      staff_names: ["Jones"],
      allowed_domains: ["oakfield.sch.uk"],
      fetch_channels: ["website", "x", "facebook", "instagram"],
    });
  });

  it("refuses a threshold outside 1 to 100 before sending", async () => {
    const api = fakeApi(routes(["leader"]));
    const { user } = renderApp("/comments/settings");
    const hate = await screen.findByLabelText("Hate");
    await user.clear(hate);
    await user.type(hate, "150");
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    expect(screen.getByText("Enter a number from 1 to 100 for: Hate.")).toBeInTheDocument();
    expect(api.find("PUT", "/api/schools/1/screening")).toHaveLength(0);
  });

  it("shows the DSL the settings without letting them change them", async () => {
    fakeApi(routes(["dsl"]));
    renderApp("/comments/settings");
    expect(await screen.findByText(/Only the leadership team can change these settings/)).toBeInTheDocument();
    await waitFor(() => expect(screen.getByLabelText("Threat")).toBeDisabled());
    expect(screen.getByLabelText("Words to always hold")).toBeDisabled();
    expect(screen.queryByRole("button", { name: "Save settings" })).toBeNull();
    expect(screen.getByRole("button", { name: "Screen this comment" })).toBeEnabled();
  });

  it("is linked from the comments dashboard", async () => {
    fakeApi(routes(["leader"], { "GET /api/comments": { status: 200, body: { count: 0, next: null, previous: null, results: [] } } }));
    const { user } = renderApp("/comments");
    await user.click(await screen.findByRole("link", { name: "Screening settings and preview" }));
    expect(await screen.findByRole("heading", { name: "Comment screening at Oakfield Primary", level: 1 })).toBeInTheDocument();
  });
});
