import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeApi, meFor } from "../../../test/fakeApi";
import { POLICY } from "../../../test/publishing";
import { renderApp } from "../../../test/renderApp";

const HEAD = meFor(["leader", "staff"], { email: "head@oakfield.test", full_name: "Hana Head" });

function showPolicy(policy: typeof POLICY) {
  fakeApi({
    "GET /api/auth/me": { status: 200, body: HEAD },
    "GET /api/schools/1/publishing": { status: 200, body: policy },
  });
  renderApp("/publishing");
}

describe("the publishing page's approval rule", () => {
  it("says how many leaders must approve each post, in a sentence", async () => {
    showPolicy(POLICY);

    expect(await screen.findByText("Each post needs 1 leader's approval before it is published.")).toBeInTheDocument();
  });

  it("names the extra approvals and the DSL's clearance for posts showing pupils", async () => {
    showPolicy({ ...POLICY, approvals_required: 2, approvals_required_identifiable_pupils: 3, dsl_clearance_required: true });

    expect(
      await screen.findByText(
        "Each post needs 2 leaders' approvals (3 leaders' approvals when pupils can be identified) before it is published. The DSL must also clear posts that show pupils.",
      ),
    ).toBeInTheDocument();
  });
});
