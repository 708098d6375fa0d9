import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { components } from "../../../client/schema";
import { fakeApi, meFor } from "../../../test/fakeApi";
import { renderApp } from "../../../test/renderApp";

type Account = components["schemas"]["ChannelAccountOutput"];
type KindSpec = components["schemas"]["ChannelKindOutput"];
type Field = KindSpec["fields"][number];

const ADMIN = { status: 200, body: meFor(["trust_admin"], { email: "it@trust.test", full_name: "Ira Admin" }) };
const NOT_PAUSED = { status: 200, body: { school: 1, approvals_required: 1, approvals_required_identifiable_pupils: 1, dsl_clearance_required: false, daily_digest: false, paused_at: null, pause_reason: "" } };
const SECRET = "EAAB-very-secret-page-token-123";

function field(name: string, label: string, extra: Partial<Field> = {}): Field {
  return { name, label, secret: false, required: false, help_text: "", input_type: "text", advanced: false, ...extra };
}
const API_BASE = field("api_base", "Custom API host", { help_text: "Development only: leave blank.", input_type: "url", advanced: true });
/** What GET /api/channels/kinds answers (the server's publisher classes declare it). */
const KINDS: { status: number; body: KindSpec[] } = {
  status: 200,
  body: [
    { kind: "website", label: "School website", help_text: "The school's own news feed.", fields: [] },
    {
      kind: "x",
      label: "X",
      help_text: "From the X developer portal.",
      fields: [
        field("consumer_key", "API key (consumer key)", { secret: true, required: true }),
        field("consumer_secret", "API key secret (consumer secret)", { secret: true, required: true }),
        field("access_token", "Access token", { secret: true, required: true }),
        field("access_token_secret", "Access token secret", { secret: true, required: true }),
        field("user_id", "Account's numeric user id", { help_text: "Optional: looked up when blank." }),
        API_BASE,
      ],
    },
    {
      kind: "facebook",
      label: "Facebook",
      help_text: "From Meta for Developers.",
      fields: [
        field("page_access_token", "Page access token", { secret: true, required: true }),
        field("app_secret", "App secret", { secret: true, required: true }),
        field("webhook_verify_token", "Webhook verify token", { secret: true }),
        field("page_id", "Page id", { required: true }),
        field("app_id", "App id"),
        field("graph_version", "Graph API version"),
        API_BASE,
      ],
    },
  ],
};

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
      "GET /api/channels/kinds": KINDS,
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
      "GET /api/channels/kinds": KINDS,
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
      "GET /api/channels/kinds": KINDS,
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

  it("builds the connect form from the kind's spec: its fields, secrets and required ones", async () => {
    const invented: KindSpec = {
      kind: "instagram",
      label: "Pictogram",
      help_text: "Paste the server token from Pictogram's settings.",
      fields: [field("server_token", "Server token", { secret: true, required: true, help_text: "Starts with pg_." }), field("handle", "Account handle", { required: true })],
    };
    const api = fakeApi({
      "GET /api/auth/me": ADMIN,
      "GET /api/schools/1/publishing": NOT_PAUSED,
      "GET /api/channels/kinds": { status: 200, body: [invented] },
      "GET /api/schools/1/channel-accounts": { status: 200, body: [] },
      "POST /api/schools/1/channel-accounts": { status: 201, body: account({ id: 5, kind: "instagram", display_name: "Pictogram", config: { handle: "oakfield" }, credentials_set: ["server_token"], credentials_needed: ["server_token"] }) },
    });
    const { user } = renderApp("/channels");

    await user.click(await screen.findByRole("button", { name: "Connect Pictogram" }));
    expect(screen.getByText("Paste the server token from Pictogram's settings.")).toBeInTheDocument();
    expect(screen.getByLabelText("Server token")).toHaveAttribute("type", "password");
    expect(screen.getByText(/Not set yet: needed\. Starts with pg_\./)).toBeInTheDocument();
    expect(screen.getByLabelText("Account handle")).toHaveAttribute("type", "text");
    expect(screen.queryByLabelText("Page id")).toBeNull();

    await user.click(screen.getByRole("button", { name: "Connect Pictogram" }));
    expect(screen.getByText("Enter the Server token.")).toBeInTheDocument();
    expect(screen.getByText("Enter the Account handle.")).toBeInTheDocument();
    expect(api.find("POST", "/api/schools/1/channel-accounts")).toHaveLength(0);

    await user.type(screen.getByLabelText("Server token"), "pg_123");
    await user.type(screen.getByLabelText("Account handle"), "oakfield");
    await user.click(screen.getByRole("button", { name: "Connect Pictogram" }));
    expect(await screen.findByText("Pictogram connected. Run a health check to test it.")).toBeInTheDocument();
    expect(api.find("POST", "/api/schools/1/channel-accounts")[0]?.body).toEqual({
      kind: "instagram",
      display_name: "Pictogram",
      enabled: true,
      config: { handle: "oakfield" },
      credentials: { server_token: "pg_123" },
    });
  });
});
