import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { components } from "../../../client/schema";
import { fakeApi, meFor } from "../../../test/fakeApi";
import { renderApp } from "../../../test/renderApp";

type Account = components["schemas"]["ChannelAccountOutput"];

const ADMIN = { status: 200, body: meFor(["trust_admin"], { email: "it@trust.test", full_name: "Ira Admin" }) };
const NOT_PAUSED = { status: 200, body: { school: 1, approvals_required: 1, approvals_required_identifiable_pupils: 1, dsl_clearance_required: false, daily_digest: false, paused_at: null, pause_reason: "" } };
const SECRET = "EAAB-very-secret-page-token-123";

function account(extra: Partial<Account> = {}): Account {
  return {
    id: 3,
    school: 1,
    kind: "facebook",
    display_name: "Oakfield Facebook Page",
    enabled: true,
    config: { page_id: "1234567890" },
    credentials_set: ["app_secret", "page_access_token"],
    credentials_needed: ["page_access_token", "app_secret"],
    health: { ok: false, problems: ["The Page access token has expired. Make a new one and paste it here."], checked_at: "2026-11-03T06:00:00Z" },
    created_at: "2026-09-01T08:00:00Z",
    updated_at: "2026-09-01T08:00:00Z",
    ...extra,
  };
}

describe("channel accounts", () => {
  it("shows each account's health and problems, and never shows a credential back", async () => {
    const saved = account({ health: { ok: null, problems: [], checked_at: null }, updated_at: "2026-11-03T09:00:00Z" });
    const api = fakeApi({
      "GET /api/auth/me": ADMIN,
      "GET /api/schools/1/publishing": NOT_PAUSED,
      "GET /api/schools/1/channel-accounts": { status: 200, body: [account()] },
      "PATCH /api/channel-accounts/3": { status: 200, body: saved },
    });
    const { user } = renderApp("/channels");

    const list = await screen.findByRole("list", { name: "Channel accounts" });
    const card = within(list).getByRole("heading", { name: "Oakfield Facebook Page" }).closest("li") as HTMLElement;
    expect(within(card).getByText("Needs attention")).toBeInTheDocument();
    expect(within(card).getByText("The Page access token has expired. Make a new one and paste it here.")).toBeInTheDocument();
    expect(within(card).getByText(/Credentials stored: App secret, Page access token/)).toBeInTheDocument();

    await user.click(within(card).getByRole("button", { name: "Change settings" }));
    const token = within(card).getByLabelText("Page access token");
    const appSecret = within(card).getByLabelText("App secret");
    // Write-only: password fields, empty although a value is stored, and said to be stored.
    expect(token).toHaveAttribute("type", "password");
    expect(token).toHaveValue("");
    expect(token).toHaveAttribute("autocomplete", "new-password");
    expect(appSecret).toHaveValue("");
    expect(within(card).getAllByText(/Stored \(not shown\)\. Leave blank to keep it\./)).toHaveLength(2);
    expect(within(card).getByLabelText("Page id")).toHaveValue("1234567890");

    await user.type(token, SECRET);
    await user.click(within(card).getByRole("button", { name: "Save changes" }));

    expect(await screen.findByText("Oakfield Facebook Page saved. The new credentials are stored: run a health check to test them.")).toHaveFocus();
    const body = api.find("PATCH", "/api/channel-accounts/3")[0]?.body;
    // Only the secret typed now is sent: the blank one keeps what is stored.
    expect(body).toEqual({
      display_name: "Oakfield Facebook Page",
      config: { page_id: "1234567890", app_id: "", graph_version: "", api_base: "" },
      credentials: { page_access_token: SECRET },
    });
    // The form has gone, and with it the secret: it is nowhere on the page.
    expect(within(card).queryByLabelText("Page access token")).toBeNull();
    expect(document.body.innerHTML).not.toContain(SECRET);
    await waitFor(() => expect(within(card).getByText("Not checked yet")).toBeInTheDocument());
  });

  it("runs a health check and switches an account off", async () => {
    const api = fakeApi({
      "GET /api/auth/me": ADMIN,
      "GET /api/schools/1/publishing": NOT_PAUSED,
      "GET /api/schools/1/channel-accounts": { status: 200, body: [account()] },
      "POST /api/channel-accounts/3/health-check": { status: 200, body: account({ health: { ok: true, problems: [], checked_at: "2026-11-03T09:30:00Z" } }) },
      "PATCH /api/channel-accounts/3": { status: 200, body: account({ enabled: false, health: { ok: true, problems: [], checked_at: "2026-11-03T09:30:00Z" } }) },
    });
    const { user } = renderApp("/channels/1");

    const list = await screen.findByRole("list", { name: "Channel accounts" });
    await user.click(within(list).getByRole("button", { name: "Check now" }));
    expect(await screen.findByText("Oakfield Facebook Page works.")).toBeInTheDocument();
    expect(within(list).getByText("Working")).toBeInTheDocument();

    await user.click(within(list).getByRole("button", { name: "Switch off" }));
    expect(await screen.findByText("Oakfield Facebook Page switched off: nothing is published to it.")).toBeInTheDocument();
    expect(api.find("PATCH", "/api/channel-accounts/3")[0]?.body).toEqual({ enabled: false });
    expect(within(list).getByRole("button", { name: "Switch on" })).toBeInTheDocument();
  });

  it("connects a new channel, asking for every credential it needs first", async () => {
    const api = fakeApi({
      "GET /api/auth/me": ADMIN,
      "GET /api/schools/1/publishing": NOT_PAUSED,
      "GET /api/schools/1/channel-accounts": { status: 200, body: [] },
      "POST /api/schools/1/channel-accounts": {
        status: 201,
        body: account({ id: 4, kind: "x", display_name: "Oakfield on X", config: {}, credentials_set: ["access_token", "access_token_secret", "consumer_key", "consumer_secret"], credentials_needed: ["consumer_key", "consumer_secret", "access_token", "access_token_secret"], health: { ok: null, problems: [], checked_at: null } }),
      },
    });
    const { user } = renderApp("/channels");

    await user.click(await screen.findByRole("button", { name: "Connect X" }));
    await user.clear(screen.getByLabelText("Name staff will see"));
    await user.type(screen.getByLabelText("Name staff will see"), "Oakfield on X");
    await user.click(screen.getByRole("button", { name: "Connect X" }));
    expect(screen.getByText("Enter the API key (consumer key).")).toBeInTheDocument();
    expect(api.find("POST", "/api/schools/1/channel-accounts")).toHaveLength(0);

    for (const [label, value] of [
      ["API key (consumer key)", "ck"],
      ["API key secret (consumer secret)", "cs"],
      ["Access token", "at"],
      ["Access token secret", "ats"],
    ] as const) {
      await user.type(screen.getByLabelText(label), value);
    }
    await user.click(screen.getByRole("button", { name: "Connect X" }));
    expect(await screen.findByText("Oakfield on X connected. Run a health check to test it.")).toBeInTheDocument();
    expect(api.find("POST", "/api/schools/1/channel-accounts")[0]?.body).toEqual({
      kind: "x",
      display_name: "Oakfield on X",
      enabled: true,
      config: {},
      credentials: { consumer_key: "ck", consumer_secret: "cs", access_token: "at", access_token_secret: "ats" },
    });
    expect(await screen.findByRole("heading", { name: "Oakfield on X" })).toBeInTheDocument();
  });
});
