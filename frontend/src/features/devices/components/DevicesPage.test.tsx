import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeApi, meFor } from "../../../test/fakeApi";
import { renderApp } from "../../../test/renderApp";

const CREDENTIAL = "dev_0a1b2c3d4e5f.Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg";
const IPAD = { id: 3, name: "Year 3 iPad", created_at: "2026-11-02T09:15:00Z", revoked_at: null, last_seen_at: null };
const ADMIN = meFor(["trust_admin"], { email: "it@oakfield.test", full_name: "Ira Technician" });

describe("devices", () => {
  it("shows a new tablet's credential once, with a copy button and a warning", async () => {
    let enrolled = false;
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: ADMIN },
      "GET /api/schools/1/devices": () => ({ status: 200, body: enrolled ? [IPAD] : [] }),
      "POST /api/schools/1/devices": () => {
        enrolled = true;
        return { status: 201, body: { ...IPAD, credential: CREDENTIAL } };
      },
    });
    const { user, client } = renderApp("/devices");

    await screen.findByRole("heading", { name: "Devices at Oakfield Primary" });
    expect(await screen.findByText("No tablets are enrolled at Oakfield Primary yet.")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Device name"), "Year 3 iPad");
    await user.click(screen.getByRole("button", { name: "Enrol tablet" }));

    const box = await screen.findByLabelText("Device credential");
    expect(box).toHaveValue(CREDENTIAL);
    expect(screen.getByText("This is the only time this credential is shown.")).toBeInTheDocument();
    expect(api.find("POST", "/api/schools/1/devices")[0]?.body).toEqual({ name: "Year 3 iPad" });
    await user.click(screen.getByRole("button", { name: "Copy credential" }));
    // user-event stands in for the clipboard.
    expect(await navigator.clipboard.readText()).toBe(CREDENTIAL);
    expect(await screen.findByText("Copied. Paste it on the tablet now.")).toBeInTheDocument();

    // The list is refreshed from the server, which never returns the credential again.
    const list = await screen.findByRole("list", { name: "Enrolled tablets" });
    expect(await within(list).findByRole("heading", { name: "Year 3 iPad" })).toBeInTheDocument();
    const cached = JSON.stringify(client.getQueryCache().getAll().map((query) => query.state.data));
    expect(cached).not.toContain(CREDENTIAL);

    await user.click(screen.getByRole("button", { name: "I have stored it — hide it" }));
    expect(screen.queryByLabelText("Device credential")).not.toBeInTheDocument();
    expect(document.body.textContent).not.toContain(CREDENTIAL);
    expect(screen.getByLabelText("Device name")).toBeInTheDocument();
  });

  it("shows the API's validation message beside the device name", async () => {
    fakeApi({
      "GET /api/auth/me": { status: 200, body: ADMIN },
      "GET /api/schools/1/devices": { status: 200, body: [] },
      "POST /api/schools/1/devices": { status: 400, body: { name: ["This field may not be blank."] } },
    });
    const { user } = renderApp("/devices");

    await user.click(await screen.findByRole("button", { name: "Enrol tablet" }));

    const name = screen.getByLabelText("Device name");
    await waitFor(() => expect(name).toHaveAttribute("aria-invalid", "true"));
    expect(name).toHaveAccessibleDescription(expect.stringContaining("This field may not be blank."));
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("revokes a tablet only after confirmation", async () => {
    let revoked = false;
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: ADMIN },
      "GET /api/schools/1/devices": () => ({
        status: 200,
        body: [{ ...IPAD, revoked_at: revoked ? "2026-11-03T10:00:00Z" : null }],
      }),
      "POST /api/schools/1/devices/3/revoke": () => {
        revoked = true;
        return { status: 200, body: { ...IPAD, revoked_at: "2026-11-03T10:00:00Z" } };
      },
    });
    const { user } = renderApp("/devices");

    await user.click(await screen.findByRole("button", { name: "Revoke Year 3 iPad" }));
    const confirm = screen.getByRole("group", { name: "Confirm revoking Year 3 iPad" });
    expect(within(confirm).getByText(/It will stop being able to submit posts at once/)).toBeInTheDocument();
    await user.click(within(confirm).getByRole("button", { name: "Keep it" }));
    expect(api.find("POST", "/api/schools/1/devices/3/revoke")).toHaveLength(0);

    await user.click(screen.getByRole("button", { name: "Revoke Year 3 iPad" }));
    await user.click(screen.getByRole("button", { name: "Yes, revoke it" }));

    expect(await screen.findByText("Revoked", { selector: ".badge" })).toBeInTheDocument();
    expect(api.find("POST", "/api/schools/1/devices/3/revoke")).toHaveLength(1);
    expect(screen.queryByRole("button", { name: "Revoke Year 3 iPad" })).not.toBeInTheDocument();
  });

  it("lets a trust admin of several schools choose one", async () => {
    fakeApi({
      "GET /api/auth/me": {
        status: 200,
        body: {
          ...ADMIN,
          memberships: [
            { school_id: 1, school_slug: "oakfield", school_name: "Oakfield Primary", role: "trust_admin" },
            { school_id: 2, school_slug: "elmwood", school_name: "Elmwood Academy", role: "trust_admin" },
          ],
        },
      },
      "GET /api/schools/2/devices": { status: 200, body: [] },
    });
    const { user } = renderApp("/devices");

    await user.click(await screen.findByRole("link", { name: "Elmwood Academy" }));
    expect(await screen.findByRole("heading", { name: "Devices at Elmwood Academy" })).toBeInTheDocument();
  });
});
