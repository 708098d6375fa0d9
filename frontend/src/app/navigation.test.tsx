import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeApi, meFor } from "../test/fakeApi";
import { renderApp } from "../test/renderApp";

function navLinks(): string[] {
  const nav = screen.getByRole("navigation", { name: "Main" });
  return within(nav).getAllByRole("link").map((link) => link.textContent ?? "");
}

describe("navigation", () => {
  it.each([
    [["staff"], ["Home", "New post", "My posts", "Consent", "This tablet"]],
    [["leader"], ["Home", "New post", "My posts", "Approval queue", "Publishing", "Comments", "Consent", "This tablet"]],
    [["dsl"], ["Home", "New post", "My posts", "Comments", "Consent", "This tablet"]],
    [["consent_admin"], ["Home", "Consent", "This tablet"]],
    [["trust_admin"], ["Home", "Publishing", "Consent", "Devices", "This tablet"]],
  ])("for %j shows %j", async (roles, links) => {
    fakeApi({ "GET /api/auth/me": { status: 200, body: meFor(roles) } });
    renderApp("/");
    await screen.findByRole("navigation", { name: "Main" });
    expect(navLinks()).toEqual(links);
  });

  it("tells a user whose roles do not include a screen whose it is", async () => {
    fakeApi({ "GET /api/auth/me": { status: 200, body: meFor(["staff"]) } });
    renderApp("/devices");
    expect(await screen.findByText(/This screen is for: Trust administrator/)).toBeInTheDocument();
  });

  it("sends a leader whose session has not passed two-factor sign-in to set it up", async () => {
    fakeApi({
      "GET /api/auth/me": { status: 200, body: meFor(["leader"], { two_factor_verified: false }) },
    });
    renderApp("/queue");
    expect(await screen.findByRole("heading", { name: "Set up two-factor sign-in" })).toBeInTheDocument();
  });
});
