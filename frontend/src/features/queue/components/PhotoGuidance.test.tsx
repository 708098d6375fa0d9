import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FindingList } from "../../../components/post/FindingList";
import { checkRunView } from "../../../lib/post";
import { fakeApi, meFor } from "../../../test/fakeApi";
import { checkRun } from "../../../test/posts";
import { POLICY } from "../../../test/publishing";
import { renderApp } from "../../../test/renderApp";

const HEAD = meFor(["leader", "staff"], { email: "head@oakfield.test", full_name: "Hana Head" });
const LONG_SIDE = "Longest side of published photos (pixels)";

function routes(extra: Record<string, unknown> = {}) {
  return {
    "GET /api/auth/me": { status: 200, body: HEAD },
    "GET /api/schools/1/publishing": { status: 200, body: POLICY },
    ...extra,
  } as Parameters<typeof fakeApi>[0];
}

async function openForm() {
  const view = renderApp("/publishing");
  const form = await screen.findByRole("form", { name: "Photos we publish" });
  return { ...view, form };
}

describe("photos we publish (R21)", () => {
  it("lets a leader set the long side and make close-ups block", async () => {
    const saved = { ...POLICY, published_long_side: 960, published_long_side_is_default: false, close_up_faces_block: true };
    const api = fakeApi(routes({ "PATCH /api/schools/1/publishing": { status: 200, body: saved } }));
    const { user, form } = await openForm();

    expect(form).toHaveTextContent("publish photos at a lower resolution");
    expect(within(form).getByLabelText(LONG_SIDE)).toHaveValue("");
    await user.type(within(form).getByLabelText(LONG_SIDE), "960");
    await user.click(within(form).getByLabelText(/Block close-up photos of pupils/));
    await user.click(within(form).getByRole("button", { name: "Save photo settings" }));

    expect(await screen.findByText("Photo settings saved for Oakfield Primary.")).toBeInTheDocument();
    expect(api.find("PATCH", "/api/schools/1/publishing")[0]?.body).toEqual({ published_long_side: 960, close_up_faces_block: true });
  });

  it("sends a blank long side as the default", async () => {
    const own = { ...POLICY, published_long_side: 800, published_long_side_is_default: false };
    const api = fakeApi(routes({ "GET /api/schools/1/publishing": { status: 200, body: own }, "PATCH /api/schools/1/publishing": { status: 200, body: POLICY } }));
    const { user, form } = await openForm();

    await user.clear(within(form).getByLabelText(LONG_SIDE));
    await user.click(within(form).getByRole("button", { name: "Save photo settings" }));

    await screen.findByText("Photo settings saved for Oakfield Primary.");
    expect(api.find("PATCH", "/api/schools/1/publishing")[0]?.body).toEqual({ published_long_side: null, close_up_faces_block: false });
  });

  it("shows the server's refusal beside the long side", async () => {
    const refusal = "The published long side must be a whole number of pixels from 320 to 4096.";
    fakeApi(
      routes({
        "PATCH /api/schools/1/publishing": {
          status: 400,
          body: { detail: refusal, code: "invalid", field: "published_long_side", published_long_side: [refusal] },
        },
      }),
    );
    const { user, form } = await openForm();

    await user.type(within(form).getByLabelText(LONG_SIDE), "99999");
    await user.click(within(form).getByRole("button", { name: "Save photo settings" }));

    expect(await within(form).findByText(refusal)).toBeInTheDocument();
    expect(within(form).getByLabelText(LONG_SIDE)).toHaveAttribute("aria-invalid", "true");
  });

  it("never sends a mistyped long side (it would reset the school to the default)", async () => {
    const api = fakeApi(routes());
    const { user, form } = await openForm();

    await user.type(within(form).getByLabelText(LONG_SIDE), "big");
    await user.click(within(form).getByRole("button", { name: "Save photo settings" }));

    expect(within(form).getByText("Enter a whole number of pixels, or leave it blank for the default.")).toBeInTheDocument();
    expect(api.find("PATCH", "/api/schools/1/publishing")).toHaveLength(0);
  });
});

describe("the close-up finding (R21)", () => {
  it("shows the measured face share from the finding's data", () => {
    const run = checkRunView(
      checkRun([
        {
          rule: "R21",
          severity: "confirm",
          message: "A face fills 15% of this photo: a close-up, face-on picture.",
          image: 31,
          face_id: 5,
          box: [100, 300, 200, 200],
          face_share: 0.153,
          remedies: [],
        },
      ]),
    );
    render(<FindingList post={{ images: [] }} findings={run?.findings ?? []} />);

    expect(screen.getByText("Face share of the photo: 15%")).toBeInTheDocument();
  });
});
