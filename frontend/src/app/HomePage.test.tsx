import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeApi, meFor } from "../test/fakeApi";
import { page, post } from "../test/posts";
import { renderApp } from "../test/renderApp";

describe("the home page", () => {
  it("tells the author which post a leader sent back, with the leader's comment (item 5)", async () => {
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: meFor(["staff"]) },
      "GET /api/posts": {
        status: 200,
        body: page([post({ id: 12, status: "changes_requested", status_reason: "Crop the photo so the register is not visible", text: "Year 4 planted trees today." })]),
      },
    });
    renderApp("/");
    const section = await screen.findByRole("region", { name: "1 post needs your changes" });
    expect(within(section).getByRole("link", { name: "Year 4 planted trees today." })).toHaveAttribute("href", "/posts/12");
    expect(within(section).getByText("The leader said: “Crop the photo so the register is not visible”")).toBeInTheDocument();
    const asked = api.find("GET", "/api/posts")[0];
    expect(asked?.query.get("author")).toBe("7");
    expect(asked?.query.getAll("status")).toEqual(["changes_requested"]);
  });

  it("says nothing about changes when no post was sent back", async () => {
    fakeApi({ "GET /api/auth/me": { status: 200, body: meFor(["staff"]) }, "GET /api/posts": { status: 200, body: page([]) } });
    renderApp("/");
    await screen.findByRole("heading", { name: "Your schools and roles" });
    expect(screen.queryByText(/needs? your changes/)).toBeNull();
  });
});
