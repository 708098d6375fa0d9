import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { readDeviceCredential, storeDeviceCredential } from "../../../lib/deviceCredential";
import { fakeApi, meFor } from "../../../test/fakeApi";
import { renderApp } from "../../../test/renderApp";

const CREDENTIAL = "dev_0a1b2c3d4e5f.Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg";

describe("this tablet", () => {
  it("refuses something that is not a credential, beside the field", async () => {
    fakeApi({ "GET /api/auth/me": { status: 200, body: meFor(["staff"]) } });
    const { user } = renderApp("/this-tablet");

    await user.type(await screen.findByLabelText("Device credential"), "my password");
    await user.click(screen.getByRole("button", { name: "Save on this tablet" }));

    expect(screen.getByLabelText("Device credential")).toHaveAccessibleDescription(
      expect.stringContaining("This does not look like a device credential."),
    );
    expect(readDeviceCredential()).toBeNull();
  });

  it("stores a pasted credential in this browser and shows only its public part", async () => {
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: meFor(["staff"]) },
      "GET /api/devices/current": { status: 200, body: { id: 3, name: "Year 3 iPad", school_id: 1, school_name: "Oakfield Primary" } },
    });
    const { user } = renderApp("/this-tablet");

    expect(await screen.findByText("This tablet is not set up for posting.")).toBeInTheDocument();
    await user.click(screen.getByLabelText("Device credential"));
    await user.paste(`  ${CREDENTIAL}\n`);
    await user.click(screen.getByRole("button", { name: "Save on this tablet" }));

    expect(readDeviceCredential()).toBe(CREDENTIAL);
    expect(screen.getByText("This tablet is set up for posting.")).toBeInTheDocument();
    expect(screen.getByText("dev_0a1b2c3d4e5f…")).toBeInTheDocument();
    expect(document.body.textContent).not.toContain(CREDENTIAL);
    expect(screen.getByLabelText("Device credential")).toHaveValue("");
    // The server confirms the credential belongs to a live enrolment of the user's school.
    expect(await screen.findByText(/Checked with the server: this is/)).toHaveTextContent("Year 3 iPad at Oakfield Primary");
    expect(api.find("GET", "/api/devices/current")[0]?.headers.get("X-Device-Token")).toBe(CREDENTIAL);

    await user.click(screen.getByRole("button", { name: "Remove from this tablet" }));
    await user.click(screen.getByRole("button", { name: "Yes, remove it" }));
    expect(readDeviceCredential()).toBeNull();
  });

  it("says plainly when the server does not accept the stored credential", async () => {
    storeDeviceCredential(CREDENTIAL);
    fakeApi({
      "GET /api/auth/me": { status: 200, body: meFor(["staff"]) },
      "GET /api/devices/current": {
        status: 403,
        body: { detail: "This device's enrolment was revoked. Ask your trust administrator.", code: "device_revoked" },
      },
    });
    renderApp("/this-tablet");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("This credential does not work.");
    expect(alert).toHaveTextContent("This device's enrolment was revoked.");
  });
});
