import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { storeDeviceCredential } from "../../../lib/deviceCredential";
import { fakeApi, meFor } from "../../../test/fakeApi";
import { page, post } from "../../../test/posts";
import { renderApp } from "../../../test/renderApp";

// Item 1 of issue 17: unsaved text is never thrown away without asking, inside the app too.
const CREDENTIAL = "dev_0a1b2c3d4e5f.Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg";
const QUESTION = "You have changes you haven't saved. Leave and lose them?";
const DRAFT = post({ text: "Year 4 planted trees today." });

function draftApi() {
  return fakeApi({
    "GET /api/auth/me": { status: 200, body: meFor(["staff"]) },
    "GET /api/posts/12": { status: 200, body: DRAFT },
    "PATCH /api/posts/12": { status: 200, body: { ...DRAFT, text: "Year 4 planted trees today. Well done!" } },
    "GET /api/posts": { status: 200, body: page([DRAFT]) },
    "GET /api/schools/1/channels": { status: 200, body: [{ kind: "website", label: "Website", connected: true }] },
  });
}

async function typeIntoDraft() {
  storeDeviceCredential(CREDENTIAL);
  draftApi();
  const app = renderApp("/posts/12");
  await app.user.type(await screen.findByLabelText("Text"), " Well done!");
  return app;
}

describe("leaving a post with unsaved text", () => {
  it("asks before 'Back to my posts' throws the typed text away, and staying keeps it", async () => {
    const { user, router } = await typeIntoDraft();

    await user.click(screen.getByRole("link", { name: "Back to my posts" }));
    const question = await screen.findByRole("alertdialog", { name: QUESTION });
    expect(screen.getByRole("button", { name: "Stay and keep editing" })).toHaveFocus();

    await user.click(screen.getByRole("button", { name: "Stay and keep editing" }));
    expect(question).not.toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/posts/12");
    expect(screen.getByLabelText("Text")).toHaveValue("Year 4 planted trees today. Well done!");
    expect(screen.getByRole("link", { name: "Back to my posts" })).toHaveFocus();
  });

  it("leaves when the author says to lose the changes", async () => {
    const { user, router } = await typeIntoDraft();

    await user.click(screen.getByRole("link", { name: "Back to my posts" }));
    await user.click(await screen.findByRole("button", { name: "Leave and lose them" }));
    expect(await screen.findByRole("heading", { name: "My posts", level: 1 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/posts");
  });

  it("asks when a nav bar link is followed, and Escape answers stay", async () => {
    const { user, router } = await typeIntoDraft();

    await user.click(screen.getByRole("navigation", { name: "Main" }).querySelector("a[href='/']") as HTMLElement);
    expect(await screen.findByRole("alertdialog", { name: QUESTION })).toBeInTheDocument();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(router.state.location.pathname).toBe("/posts/12");
  });

  it("keeps the focus on the two answers while it asks", async () => {
    const { user } = await typeIntoDraft();

    await user.click(screen.getByRole("link", { name: "Back to my posts" }));
    await screen.findByRole("alertdialog", { name: QUESTION });
    await user.tab();
    expect(screen.getByRole("button", { name: "Leave and lose them" })).toHaveFocus();
    await user.tab();
    expect(screen.getByRole("button", { name: "Stay and keep editing" })).toHaveFocus();
  });

  it("leaves without asking once the text is saved", async () => {
    const { user, router } = await typeIntoDraft();

    await user.click(screen.getByRole("button", { name: "Save draft" }));
    expect(await screen.findByText(/^Draft saved\./)).toBeInTheDocument();
    await user.click(screen.getByRole("link", { name: "Back to my posts" }));
    expect(await screen.findByRole("heading", { name: "My posts", level: 1 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/posts");
  });

  it("leaves without asking when nothing was changed", async () => {
    storeDeviceCredential(CREDENTIAL);
    draftApi();
    const { user } = renderApp("/posts/12");

    await user.click(await screen.findByRole("link", { name: "Back to my posts" }));
    expect(await screen.findByRole("heading", { name: "My posts", level: 1 })).toBeInTheDocument();
    expect(screen.queryByRole("alertdialog")).toBeNull();
  });

  it("still has the browser ask before the tab is closed or reloaded", async () => {
    await typeIntoDraft();

    const closing = new Event("beforeunload", { cancelable: true });
    window.dispatchEvent(closing);
    expect(closing.defaultPrevented).toBe(true);
  });
});

describe("leaving a new post with typed text", () => {
  it("asks before a nav bar link throws the text away", async () => {
    storeDeviceCredential(CREDENTIAL);
    draftApi();
    const { user, router } = renderApp("/posts/new");

    await user.type(await screen.findByLabelText("Text"), "Sports day is on Friday.");
    await user.click(screen.getByRole("navigation", { name: "Main" }).querySelector("a[href='/posts']") as HTMLElement);
    expect(await screen.findByRole("alertdialog", { name: QUESTION })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Stay and keep editing" }));
    expect(router.state.location.pathname).toBe("/posts/new");
    expect(screen.getByLabelText("Text")).toHaveValue("Sports day is on Friday.");
  });
});
