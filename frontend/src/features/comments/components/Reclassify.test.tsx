import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeApi, meFor } from "../../../test/fakeApi";
import { renderApp } from "../../../test/renderApp";

const POLICY = { school: 1, approvals_required: 1, approvals_required_identifiable_pupils: 1, dsl_clearance_required: false, daily_digest: false, paused_at: null, pause_reason: "" };
const LABELS = ["allegation", "hate", "personal_data", "profanity", "self_harm", "sexual", "spam", "threat"];

const COMMENT = {
  id: 51, school: 1, channel: "facebook", external_id: "fb_1", publication: 3, post_external_id: "p1", parent: null,
  parent_external_id: "", author_external_id: "u1", author_name: "A Parent", text: "What is he saying?!?!",
  platform_created_at: "2026-11-03T10:00:00Z", permalink: "https://facebook.example/c/1", media_urls: [], status: "hidden",
  verdict: "hold", labels: [{ label: "profanity", score: 0.91, span: [0, 21], screener: "semantic", reason: "reads as abusive to the semantic model (p=0.97, held from 0.97 at balanced sensitivity)" }],
  escalated: false, review: "open", assigned_to: null, assigned_to_name: null, decided_by: null, decided_at: null, edited_at: null,
  created_at: "2026-11-03T10:01:00Z", updated_at: "2026-11-03T10:01:00Z", previous_texts: [], actions: [], evidence: [],
};

const SETTINGS = {
  school: 1, thresholds: {}, effective_thresholds: Object.fromEntries(LABELS.map((l) => [l, 0.5])), labels: LABELS, blocked_words: [],
  allowed_words: [], staff_names: [], allowed_domains: [], fetch_channels: ["facebook"], updated_at: "2026-11-01T09:00:00Z",
};

function sensitivity(chosen: string) {
  return {
    sensitivity: chosen,
    measured_on: "the calibration part",
    refit: null,
    operating_points: [
      { name: "strict", budget: 0.08, real_recall: 0.533, real_false_hold: 0.052, school_recall: 0.828, school_false_hold: 0.08 },
      { name: "balanced", budget: 0.04, real_recall: 0.43, real_false_hold: 0.036, school_recall: 0.788, school_false_hold: 0.037 },
      { name: "relaxed", budget: 0.02, real_recall: 0.383, real_false_hold: 0.026, school_recall: 0.584, school_false_hold: 0.005 },
    ],
  };
}

describe("learning from moderators", () => {
  it("records that a held comment was ordinary", async () => {
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: meFor(["leader"]) },
      "GET /api/schools/1/publishing": { status: 200, body: POLICY },
      "GET /api/comments/51": { status: 200, body: COMMENT },
      "GET /api/comments/51/notes": { status: 200, body: [] },
      "POST /api/comments/51/reclassify": { status: 200, body: { comment: 51, labels: [], updated_at: "2026-11-03T11:00:00Z" } },
    });
    const { user } = renderApp("/comments/51");

    await user.click(await screen.findByText("Reclassify"));
    await user.click(screen.getByLabelText("Ordinary"));
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByText(/Recorded as ordinary/)).toBeInTheDocument();
    expect(api.find("POST", "/api/comments/51/reclassify")[0]?.body).toEqual({ labels: [] });
  });

  it("shows what each sensitivity means in numbers and lets a leader choose one", async () => {
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: meFor(["leader"]) },
      "GET /api/schools/1/publishing": { status: 200, body: POLICY },
      "GET /api/takedowns": { status: 200, body: [] },
      "GET /api/schools/1/screening": { status: 200, body: SETTINGS },
      "GET /api/schools/1/screening/sensitivity": { status: 200, body: sensitivity("balanced") },
      "PUT /api/schools/1/screening/sensitivity": { status: 200, body: sensitivity("strict") },
    });
    const { user } = renderApp("/comments/settings");

    expect(await screen.findByRole("heading", { name: "Sensitivity" })).toBeInTheDocument();
    expect(screen.getByText("5.2%")).toBeInTheDocument();
    await user.click(screen.getByLabelText(/Strict/));

    expect(await screen.findByText(/Sensitivity saved/)).toBeInTheDocument();
    expect(api.find("PUT", "/api/schools/1/screening/sensitivity")[0]?.body).toEqual({ sensitivity: "strict" });
  });
});
