import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { components } from "../../../client/schema";
import { fakeApi, meFor } from "../../../test/fakeApi";
import { image, post } from "../../../test/posts";
import { renderApp } from "../../../test/renderApp";

type Publication = components["schemas"]["PublicationOutput"];
type Takedown = components["schemas"]["TakedownOutput"];

const HEAD = meFor(["leader", "staff"], { email: "head@oakfield.test", full_name: "Hana Head" });
const STAFF = meFor(["staff"]);
const POLICY = { school: 1, approvals_required: 1, approvals_required_identifiable_pupils: 1, dsl_clearance_required: false, daily_digest: false, paused_at: null, pause_reason: "" };

function publication(extra: Partial<Publication>): Publication {
  return {
    id: 80,
    post: 12,
    channel: "website",
    state: "published",
    attempts: 1,
    external_id: "1",
    url: "https://oakfield.test/news/1",
    error: "",
    published_at: "2026-11-03T11:00:00Z",
    taken_down_at: null,
    next_attempt_at: null,
    resolved_by_name: null,
    created_at: "2026-11-03T10:59:00Z",
    updated_at: "2026-11-03T11:00:00Z",
    ...extra,
  };
}

const UNCONFIRMED =
  "We could not tell whether X accepted this post. Please look at the school's X account: if the post is there, choose “Mark as posted” and paste its link; if it is not, choose “Post again”.";
const WEBSITE = publication({});
const X_UNKNOWN = publication({ id: 81, channel: "x", state: "unconfirmed", url: "", external_id: "", published_at: null, error: UNCONFIRMED });
const FACEBOOK_FAILED = publication({
  id: 82,
  channel: "facebook",
  state: "failed",
  url: "",
  published_at: null,
  error: "We tried 8 times and stopped. The last problem was: Facebook did not answer.",
});
const PARTLY = post({ author: 3, author_name: "Sam Teacher", status: "partially_published", channels: ["website", "x", "facebook"], images: [image()] });

function takedown(extra: Partial<Takedown> = {}): Takedown {
  return {
    id: 5,
    post: 12,
    school: 1,
    state: "awaiting_confirmation",
    reason: "Consent ended (withdrawn) for someone shown or named in this post.",
    requested_by_name: "automatic (consent ended)",
    requested_at: "2026-11-04T09:00:00Z",
    confirmed_by_name: null,
    confirmed_at: null,
    completed_at: null,
    automatic: true,
    post_text: "Well done to Year 5 for a brilliant science fair!",
    publications: [
      { id: 80, channel: "website", state: "published", error: "", taken_down_at: null },
      { id: 81, channel: "x", state: "published", error: "", taken_down_at: null },
    ],
    ...extra,
  };
}

describe("where a post is published", () => {
  it("lets a leader record an unconfirmed channel as posted, with its link", async () => {
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: HEAD },
      "GET /api/schools/1/publishing": { status: 200, body: POLICY },
      "GET /api/takedowns": { status: 200, body: [] },
      "GET /api/posts/12": { status: 200, body: PARTLY },
      "GET /api/posts/12/publications": [
        { status: 200, body: [WEBSITE, X_UNKNOWN, FACEBOOK_FAILED] },
        { status: 200, body: [WEBSITE, { ...X_UNKNOWN, state: "published", url: "https://x.com/oakfield/status/99", error: "" }, FACEBOOK_FAILED] },
      ],
      "POST /api/publications/81/mark-posted": {
        status: 200,
        body: { ...X_UNKNOWN, state: "published", url: "https://x.com/oakfield/status/99", error: "", resolved_by_name: "Hana Head" },
      },
    });
    const { user } = renderApp("/queue/12");

    const channels = await screen.findByRole("list", { name: "Channels" });
    const website = within(channels).getByRole("heading", { name: "School website" }).closest("li") as HTMLElement;
    expect(within(website).getByText("Published")).toBeInTheDocument();
    expect(within(website).getByRole("link", { name: /Open the post on School website/ })).toHaveAttribute("href", "https://oakfield.test/news/1");
    const x = within(channels).getByRole("heading", { name: "X" }).closest("li") as HTMLElement;
    expect(within(x).getByText("Not sure it appeared")).toBeInTheDocument();
    expect(within(x).getByText(UNCONFIRMED)).toBeInTheDocument();

    await user.click(within(x).getByRole("button", { name: "Mark as posted" }));
    // A link is needed, and it must be a link.
    await user.type(within(x).getByLabelText("Link to the post on X"), "x.com/oakfield");
    await user.click(within(x).getByRole("button", { name: "Record as published" }));
    expect(within(x).getByText("Paste the link to the post on X. It starts with https://")).toBeInTheDocument();
    expect(api.find("POST", "/api/publications/81/mark-posted")).toHaveLength(0);

    await user.clear(within(x).getByLabelText("Link to the post on X"));
    await user.type(within(x).getByLabelText("Link to the post on X"), "https://x.com/oakfield/status/99");
    await user.click(within(x).getByRole("button", { name: "Record as published" }));

    expect(await screen.findByText("Recorded as published on X.")).toHaveFocus();
    expect(api.find("POST", "/api/publications/81/mark-posted")[0]?.body).toEqual({ url: "https://x.com/oakfield/status/99" });
    await waitFor(() => expect(within(x).getByRole("link", { name: /Open the post on X/ })).toHaveAttribute("href", "https://x.com/oakfield/status/99"));
    // The post's status may have changed too: the page asked for it again.
    await waitFor(() => expect(api.find("GET", "/api/posts/12").length).toBeGreaterThan(1));
  });

  it("posts a failed channel again, and asks first when the outcome is unknown", async () => {
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: HEAD },
      "GET /api/schools/1/publishing": { status: 200, body: POLICY },
      "GET /api/takedowns": { status: 200, body: [] },
      "GET /api/posts/12": { status: 200, body: PARTLY },
      "GET /api/posts/12/publications": { status: 200, body: [WEBSITE, X_UNKNOWN, FACEBOOK_FAILED] },
      "POST /api/publications/82/post-again": { status: 200, body: { ...FACEBOOK_FAILED, state: "queued", error: "" } },
      "POST /api/publications/81/post-again": { status: 200, body: { ...X_UNKNOWN, state: "queued", error: "" } },
    });
    const { user } = renderApp("/queue/12");

    const channels = await screen.findByRole("list", { name: "Channels" });
    const facebook = within(channels).getByRole("heading", { name: "Facebook" }).closest("li") as HTMLElement;
    expect(within(facebook).getByText(/We tried 8 times and stopped/)).toBeInTheDocument();
    await user.click(within(facebook).getByRole("button", { name: "Post again on Facebook" }));
    expect(await screen.findByText("Posting again on Facebook.")).toBeInTheDocument();
    expect(api.find("POST", "/api/publications/82/post-again")).toHaveLength(1);

    const x = within(channels).getByRole("heading", { name: "X" }).closest("li") as HTMLElement;
    await user.click(within(x).getByRole("button", { name: "Post again" }));
    expect(within(x).getByText(/Only if you have looked and it is not on X/)).toBeInTheDocument();
    expect(api.find("POST", "/api/publications/81/post-again")).toHaveLength(0);
    await user.click(within(x).getByRole("button", { name: "It is not there: post again on X" }));
    await waitFor(() => expect(api.find("POST", "/api/publications/81/post-again")).toHaveLength(1));
  });

  it("lets a leader ask for a published post to come down, with a reason", async () => {
    const published = { ...PARTLY, status: "published" as const };
    const requested = takedown({ requested_by_name: "Hana Head", reason: "A parent asked us to." });
    let asked = false;
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: HEAD },
      "GET /api/schools/1/publishing": { status: 200, body: POLICY },
      "GET /api/takedowns": () => ({ status: 200, body: asked ? [requested] : [] }),
      "GET /api/posts/12": () => ({ status: 200, body: asked ? { ...published, status: "takedown_requested" } : published }),
      "GET /api/posts/12/publications": { status: 200, body: [WEBSITE] },
      "POST /api/posts/12/takedown": () => {
        asked = true;
        return { status: 201, body: requested };
      },
    });
    const { user } = renderApp("/queue/12");

    await user.click(await screen.findByText("Take this post down"));
    await user.click(screen.getByRole("button", { name: "Ask for this post to come down" }));
    expect(screen.getByText("Say why the post must come down.")).toBeInTheDocument();
    expect(api.find("POST", "/api/posts/12/takedown")).toHaveLength(0);

    await user.type(screen.getByLabelText("Why must it come down?"), "A parent asked us to.");
    await user.click(screen.getByRole("button", { name: "Ask for this post to come down" }));
    expect(await screen.findByText(/Takedown requested\. The website news item is hidden now/)).toBeInTheDocument();
    expect(api.find("POST", "/api/posts/12/takedown")[0]?.body).toEqual({ reason: "A parent asked us to." });
    expect(await screen.findByRole("link", { name: "Open the takedown to confirm it" })).toHaveAttribute("href", "/takedowns/5");
  });

  it("shows the author where their post is, with no leader actions", async () => {
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: STAFF },
      "GET /api/schools/1/publishing": { status: 200, body: POLICY },
      "GET /api/posts/12": { status: 200, body: { ...PARTLY, author: 7 } },
      "GET /api/posts/12/publications": { status: 200, body: [WEBSITE, X_UNKNOWN] },
    });
    renderApp("/posts/12");

    const channels = await screen.findByRole("list", { name: "Channels" });
    expect(within(channels).getByText("Not sure it appeared")).toBeInTheDocument();
    expect(within(channels).queryByRole("button")).toBeNull();
    expect(screen.queryByText("Take this post down")).toBeNull();
    expect(api.find("GET", "/api/takedowns")).toHaveLength(0);
  });
});

describe("takedowns", () => {
  it("lists what must come down and why, and tells leaders on every screen", async () => {
    fakeApi({
      "GET /api/auth/me": { status: 200, body: HEAD },
      "GET /api/schools/1/publishing": { status: 200, body: POLICY },
      "GET /api/takedowns": (request) => ({
        status: 200,
        body: request.query.get("state") === "awaiting_confirmation" ? [takedown()] : [takedown(), takedown({ id: 6, post: 13, state: "done", reason: "Pupil left." })],
      }),
      "GET /api/posts/12": { status: 200, body: post({ text: "Sports day: Year 4 relay", status: "takedown_requested", images: [image()] }) },
      "GET /api/posts/13": { status: 200, body: post({ id: 13, text: "Harvest festival", status: "taken_down" }) },
    });
    const { user } = renderApp("/");

    const banner = await screen.findByRole("region", { name: "Posts that must come down" });
    expect(within(banner).getByText("A published post must come down")).toBeInTheDocument();
    await user.click(within(banner).getByRole("link", { name: "Review takedowns" }));

    expect(await screen.findByRole("heading", { name: "Takedowns", level: 1 })).toBeInTheDocument();
    expect(await screen.findByText("1 post waiting for you to confirm.")).toBeInTheDocument();
    const waiting = screen.getByRole("list", { name: "Must come down: waiting for you to confirm" });
    const card = within(waiting).getByRole("link", { name: "Sports day: Year 4 relay" }).closest("li") as HTMLElement;
    expect(within(card).getByText("Consent ended (withdrawn) for someone shown or named in this post.")).toBeInTheDocument();
    expect(within(card).getByText("X: published")).toBeInTheDocument();
    // Asking for a takedown hid the website news item at once.
    expect(within(card).getByText("School website: hidden from the public")).toBeInTheDocument();
    expect(within(card).getByRole("link", { name: "Review and confirm" })).toHaveAttribute("href", "/takedowns/5");
    // The banner does not repeat the page it points to.
    expect(screen.queryByRole("region", { name: "Posts that must come down" })).toBeNull();
  });

  it("confirms a takedown with one deliberate action, then shows each channel's progress", async () => {
    const confirmed = takedown({
      state: "confirmed",
      confirmed_by_name: "Hana Head",
      confirmed_at: "2026-11-04T09:05:00Z",
      publications: [
        { id: 80, channel: "website", state: "taken_down", error: "", taken_down_at: "2026-11-04T09:05:01Z" },
        { id: 81, channel: "x", state: "published", error: "X did not answer in time.", taken_down_at: null },
      ],
    });
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: HEAD },
      "GET /api/schools/1/publishing": { status: 200, body: POLICY },
      "GET /api/takedowns": { status: 200, body: [] },
      "GET /api/takedowns/5": { status: 200, body: takedown() },
      "GET /api/posts/12": { status: 200, body: post({ text: "Sports day: Year 4 relay", status: "takedown_requested" }) },
      "POST /api/takedowns/5/confirm": { status: 200, body: confirmed },
    });
    const { user } = renderApp("/takedowns/5");

    expect(await screen.findByRole("heading", { name: "Takedown: Sports day: Year 4 relay", level: 1 })).toBeInTheDocument();
    expect(screen.getByText("Consent ended (withdrawn) for someone shown or named in this post.")).toBeInTheDocument();
    const confirmPanel = screen.getByRole("region", { name: "Confirm the takedown" });
    expect(within(confirmPanel).getByText("School website, X")).toBeInTheDocument();

    await user.click(within(confirmPanel).getByRole("button", { name: "Take it down from every channel" }));
    expect(await screen.findByText(/Confirmed\. The post is being deleted from every channel/)).toHaveFocus();
    expect(api.find("POST", "/api/takedowns/5/confirm")).toHaveLength(1);
    expect(screen.queryByRole("button", { name: "Take it down from every channel" })).toBeNull();

    const channels = screen.getByRole("list", { name: "Channels" });
    const x = within(channels).getByRole("heading", { name: "X" }).closest("li") as HTMLElement;
    expect(within(x).getByText("Deleting: trying again")).toBeInTheDocument();
    expect(within(x).getByText("X did not answer in time.")).toBeInTheDocument();
    const website = within(channels).getByRole("heading", { name: "School website" }).closest("li") as HTMLElement;
    expect(within(website).getByText("Taken down")).toBeInTheDocument();
    expect(screen.getByText("Hana Head, 4 Nov 2026, 09:05", { exact: false })).toBeInTheDocument();
  });
});
