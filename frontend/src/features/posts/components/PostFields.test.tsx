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
});
