import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeApi, meFor } from "../../../test/fakeApi";
import { renderApp } from "../../../test/renderApp";

const CHANNELS = [
  { kind: "website", label: "School website", connected: true },
  { kind: "x", label: "X", connected: false },
  { kind: "facebook", label: "Facebook", connected: true },
  { kind: "instagram", label: "Instagram", connected: false },
];

describe("the channel picker", () => {
  it("offers only the channels the school has connected, and says which are missing (item 6)", async () => {
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: meFor(["staff"]) },
      "GET /api/schools/1/channels": { status: 200, body: CHANNELS },
    });
    renderApp("/posts/new");

    expect(await screen.findByText(/^Not offered: X, Instagram\./)).toBeInTheDocument();
    const offered = screen.getAllByRole("checkbox").map((box) => (box as HTMLInputElement).value);
    expect(offered).toEqual(["website", "facebook"]);
    expect(api.find("GET", "/api/schools/1/channels")).toHaveLength(1);
  });

  it("tells staff who are not trust administrators that a trust administrator can connect the missing channels (item 6)", async () => {
    fakeApi({
      "GET /api/auth/me": { status: 200, body: meFor(["staff"]) },
      "GET /api/schools/1/channels": { status: 200, body: CHANNELS },
    });
    renderApp("/posts/new");

    expect(await screen.findByText(/a trust administrator can connect one on the Channels page\.$/)).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: /on the Channels page/ })).not.toBeInTheDocument();
  });

  it("gives a trust administrator of the school a link to connect the missing channels (item 6)", async () => {
    fakeApi({
      "GET /api/auth/me": { status: 200, body: meFor(["staff", "trust_admin"]) },
      "GET /api/schools/1/channels": { status: 200, body: CHANNELS },
    });
    renderApp("/posts/new");

    const link = await screen.findByRole("link", { name: "Connect X and Instagram on the Channels page" });
    expect(link).toHaveAttribute("href", "/channels");
    expect(screen.queryByText(/a trust administrator can connect one/)).not.toBeInTheDocument();
  });
});
