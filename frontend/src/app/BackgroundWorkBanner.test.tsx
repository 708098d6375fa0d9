import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeApi, meFor } from "../test/fakeApi";
import { renderApp } from "../test/renderApp";

const STOPPED = { ok: false, worker_ok: false, beat_ok: true, stopped_since: new Date().toISOString() };
const RUNNING = { ok: true, worker_ok: true, beat_ok: true, stopped_since: null };

describe("background work banner", () => {
  it("tells a leader on every screen that background work has stopped, and since when", async () => {
    fakeApi({
      "GET /api/auth/me": { status: 200, body: meFor(["leader"]) },
      "GET /api/operations/status": { status: 200, body: STOPPED },
    });
    renderApp("/");

    const banner = await screen.findByRole("alert", { name: "Background work has stopped" });
    expect(banner).toHaveTextContent(/Background work has stopped since \d\d:\d\d: posts will not publish/);
    expect(banner).toHaveTextContent("Tell your IT contact.");
  });

  it("shows nothing while the work runs", async () => {
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: meFor(["trust_admin"]) },
      "GET /api/operations/status": { status: 200, body: RUNNING },
    });
    renderApp("/");

    await waitFor(() => expect(api.find("GET", "/api/operations/status")).toHaveLength(1));
    expect(screen.queryByRole("alert", { name: "Background work has stopped" })).not.toBeInTheDocument();
  });

  it("does not ask or show it to staff, who cannot act on it", async () => {
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: meFor(["staff"]) },
      "GET /api/operations/status": { status: 200, body: STOPPED },
    });
    renderApp("/");

    await screen.findByRole("navigation", { name: "Main" });
    expect(screen.queryByRole("alert", { name: "Background work has stopped" })).not.toBeInTheDocument();
    expect(api.find("GET", "/api/operations/status")).toHaveLength(0);
  });
});
