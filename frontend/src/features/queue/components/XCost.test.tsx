import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeApi, meFor } from "../../../test/fakeApi";
import { post } from "../../../test/posts";
import { renderApp } from "../../../test/renderApp";

const HEAD = meFor(["leader", "staff"], { email: "head@oakfield.test", full_name: "Hana Head" });
const POLICY = { school: 1, approvals_required: 1, approvals_required_identifiable_pupils: 1, dsl_clearance_required: false, daily_digest: false, paused_at: null, pause_reason: "" };

describe("what X costs, before approval", () => {
  it("shows the higher cost of an X post with a link and asks a leader when it passes the budget", async () => {
    fakeApi({
      "GET /api/auth/me": { status: 200, body: HEAD },
      "GET /api/schools/1/publishing": { status: 200, body: POLICY },
      "GET /api/posts/12": { status: 200, body: post({ id: 12, author: 3, status: "awaiting_approval", channels: ["x", "website"], text: "News: https://oakfield.sch.uk" }) },
      "GET /api/posts/12/x-cost": {
        status: 200,
        body: { kind: "post_with_link", cost_usd: "0.200", has_link: true, over_budget: true, notice: "This post would take the school past this month's X budget ($9.90 spent of $10.00); a leader must confirm it." },
      },
    });
    renderApp("/queue/12");

    const note = await screen.findByRole("note", { name: "X cost" }, { timeout: 10_000 });
    expect(note).toHaveTextContent("Posting on X costs about $0.200 because the post contains a link");
    expect(note).toHaveTextContent("a leader must confirm it");
  });

  it("sends the leader's acceptance of the cost beyond the budget with the approval", async () => {
    const overBudget = post({ id: 12, author: 3, status: "awaiting_approval", channels: ["x"], text: "News: https://oakfield.sch.uk" });
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: HEAD },
      "GET /api/schools/1/publishing": { status: 200, body: POLICY },
      "GET /api/posts/12": { status: 200, body: overBudget },
      "GET /api/posts/12/x-cost": {
        status: 200,
        body: { kind: "post_with_link", cost_usd: "0.200", has_link: true, over_budget: true, notice: "This post would take the school past this month's X budget." },
      },
      "POST /api/posts/12/approve": { status: 200, body: { ...overBudget, status: "publishing" } },
    });
    const { user } = renderApp("/queue/12");

    await user.click(await screen.findByRole("checkbox", { name: "I accept this cost beyond the school's X budget" }, { timeout: 10_000 }));
    await user.click(screen.getByRole("button", { name: "Approve this post" }));

    await screen.findByText("Approved. It is being published now to X.");
    expect(api.find("POST", "/api/posts/12/approve")[0]?.body).toMatchObject({ acknowledged: ["x_over_budget"] });
  });
});
