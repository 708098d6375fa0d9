import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeApi, meFor } from "../../../test/fakeApi";
import { renderApp } from "../../../test/renderApp";

const ADMIN = meFor(["trust_admin"], { email: "it@oakfield.test", full_name: "Ira Technician" });
const HEAD = { id: 11, user: 2, email: "head@oakfield.test", full_name: "Helen Head", role: "leader", is_head_teacher: false };
const DEPUTY = { id: 12, user: 3, email: "deputy@oakfield.test", full_name: "Dev Deputy", role: "leader", is_head_teacher: false };
const TEACHER = { id: 13, user: 4, email: "teacher@oakfield.test", full_name: "Tara Teacher", role: "staff", is_head_teacher: false };

describe("roles", () => {
  it("lets a trust administrator make a leader the head teacher, who sees escalated comments (R13)", async () => {
    let head = false;
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: ADMIN },
      "GET /api/schools/1/memberships": () => ({ status: 200, body: [{ ...HEAD, is_head_teacher: head }, DEPUTY, TEACHER] }),
      "POST /api/schools/1/memberships/11/head-teacher": () => {
        head = true;
        return { status: 200, body: { ...HEAD, is_head_teacher: true } };
      },
    });
    const { user } = renderApp("/roles");

    const table = await screen.findByRole("table", { name: "People and roles at Oakfield Primary" }, { timeout: 10_000 });
    const teacherRow = within(table).getByRole("row", { name: /Tara Teacher/ });
    expect(within(teacherRow).queryByRole("button", { name: /head teacher/ })).not.toBeInTheDocument();
    await user.click(within(table).getByRole("button", { name: "Make Helen Head the head teacher" }));

    expect(await screen.findByText("Helen Head is now the head teacher at Oakfield Primary.")).toBeInTheDocument();
    expect(api.find("POST", "/api/schools/1/memberships/11/head-teacher")[0]?.body).toEqual({ is_head_teacher: true });
    expect(await screen.findByRole("button", { name: "Remove Helen Head as head teacher" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Make Dev Deputy the head teacher" })).toBeInTheDocument();
  });

  it("lets a trust administrator lift a member's sign-in lock-out", async () => {
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: ADMIN },
      "GET /api/schools/1/memberships": { status: 200, body: [HEAD, TEACHER] },
      "POST /api/schools/1/memberships/13/unlock": { status: 200, body: { cleared: 1 } },
    });
    const { user } = renderApp("/roles");

    await user.click(await screen.findByRole("button", { name: "Unlock sign-in for Tara Teacher" }, { timeout: 10_000 }));

    expect(await screen.findByText("Tara Teacher can sign in again.")).toBeInTheDocument();
    expect(api.find("POST", "/api/schools/1/memberships/13/unlock")).toHaveLength(1);
  });
});
