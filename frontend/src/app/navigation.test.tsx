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
    [["leader"], ["Home", "New post", "My posts", "Approval queue", "Publishing", "Takedowns", "Comments", "Consent", "This tablet"]],
    [["dsl"], ["Home", "New post", "My posts", "Comments", "Consent", "This tablet"]],
    [["consent_admin"], ["Home", "Consent", "This tablet"]],
    [["trust_admin"], ["Home", "Publishing", "Consent", "Devices", "Channels", "Roles", "This tablet"]],
  ])("for %j shows %j", async (roles, links) => {
    fakeApi({ "GET /api/auth/me": { status: 200, body: meFor(roles) } });
    renderApp("/");
    await screen.findByRole("navigation", { name: "Main" });
    expect(navLinks()).toEqual(links);
  });

  it("folds the menu behind one button (shown on phones), closing it after a choice", async () => {
    fakeApi({ "GET /api/auth/me": { status: 200, body: meFor(["staff"]) }, "GET /api/schools/1/publishing": { status: 200, body: { school: 1, approvals_required: 1, approvals_required_identifiable_pupils: 1, dsl_clearance_required: false, daily_digest: false, paused_at: null, pause_reason: "" } } });
    const { user } = renderApp("/");
    const toggle = await screen.findByRole("button", { name: "Menu" });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    expect(toggle).toHaveAttribute("aria-controls", "main-menu");
    await user.click(toggle);
    expect(screen.getByRole("button", { name: "Close menu" })).toHaveAttribute("aria-expanded", "true");
    expect(document.getElementById("main-menu")).toHaveClass("nav--open");
    await user.click(within(screen.getByRole("navigation", { name: "Main" })).getByRole("link", { name: "This tablet" }));
    expect(await screen.findByRole("button", { name: "Menu" })).toHaveAttribute("aria-expanded", "false");
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
