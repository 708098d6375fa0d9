import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { formatDateTime } from "../../../lib/format";
import { fakeApi, meFor } from "../../../test/fakeApi";
import { checkRun, face, faceCheck, HASH, image, NO_FACE_FINDING, page, post } from "../../../test/posts";
import { POLICY } from "../../../test/publishing";
import { renderApp } from "../../../test/renderApp";

const HEAD = meFor(["leader", "staff"], { email: "head@oakfield.test", full_name: "Hana Head" });
const HEAD_ID = HEAD.id; // 7

const READY = post({
  id: 12,
  author: 3,
  author_name: "Sam Teacher",
  status: "awaiting_approval",
  status_reason: "Checks passed",
  submitted_at: "2026-11-03T10:01:00Z",
  version: 2,
  image_count: 1,
  has_identifiable_faces: true,
  has_identifiable_pupils: true,
  images: [image({ faces: [face({ person: 70, person_label: "Amelia J.", tag: "person" })] })],
  check_run: checkRun(
    [],
    [faceCheck({ person_id: 70, tag: "person", consent: { website: { allowed: true, reason: "Photo on the school website: granted by Mum on 3 Sep 2026.", record_id: 3 } } })],
    "ready",
  ),
});

function routes(extra: Record<string, unknown> = {}) {
  return {
    "GET /api/auth/me": { status: 200, body: HEAD },
    "GET /api/schools/1/publishing": { status: 200, body: POLICY },
    "GET /api/posts/12": { status: 200, body: READY },
    ...extra,
  } as Parameters<typeof fakeApi>[0];
}

describe("approval queue", () => {
  it("lists posts waiting for approval, most urgent first, and filters them", async () => {
    const api = fakeApi(
      routes({
        "GET /api/posts": { status: 200, body: page([READY, post({ id: 13, status: "awaiting_approval", text: "Sports day", scheduled_at: "2026-11-04T09:00:00Z" })]) },
      }),
    );
    const { user } = renderApp("/queue");

    const list = await screen.findByRole("list", { name: "Posts" });
    expect(within(list).getByRole("link", { name: "Year 4 planted trees today." })).toHaveAttribute("href", "/queue/12");
    expect(within(list).getByText("Identifiable pupils")).toBeInTheDocument();
    expect(screen.getByRole("status", { name: "" })).toBeDefined();
    expect(screen.getByText("2 posts: waiting for approval. Most urgent first.")).toBeInTheDocument();
    expect(api.find("GET", "/api/posts")[0]?.query.getAll("status")).toEqual(["awaiting_approval"]);

    await user.click(screen.getByText("Filters"));
    await user.selectOptions(screen.getByLabelText("Channel"), "x");
    await user.selectOptions(screen.getByLabelText("Identifiable pupils"), "yes");
    await waitFor(() => expect(api.find("GET", "/api/posts").at(-1)?.query.get("identifiable_pupils")).toBe("true"));
    expect(api.find("GET", "/api/posts").at(-1)?.query.get("channel")).toBe("x");
  });

  it("marks an approved post whose time has passed without publishing", async () => {
    const past = new Date(Date.now() - 15 * 60_000).toISOString();
    const future = new Date(Date.now() + 60 * 60_000).toISOString();
    fakeApi(
      routes({
        "GET /api/posts": {
          status: 200,
          body: page([
            post({ id: 21, status: "scheduled", text: "Harvest assembly", scheduled_at: past }),
            post({ id: 22, status: "scheduled", text: "Book fair", scheduled_at: future }),
          ]),
        },
      }),
    );
    renderApp("/queue?view=approved");

    const list = await screen.findByRole("list", { name: "Posts" });
    const [late, onTime] = within(list).getAllByRole("listitem");
    expect(within(late!).getByText("Due time passed, not published yet")).toBeInTheDocument();
    expect(within(onTime!).queryByText("Due time passed, not published yet")).not.toBeInTheDocument();
  });

  it("shows every face with its consent and approves the exact version seen", async () => {
    const api = fakeApi(
      routes({ "POST /api/posts/12/approve": { status: 200, body: { ...READY, status: "publishing", status_reason: "" } } }),
    );
    const { user } = renderApp("/queue/12");

    expect(await screen.findByRole("heading", { name: /^Review: Year 4 planted trees today\./ })).toBeInTheDocument();
    expect(screen.getByText("Amelia J. (tagged)")).toBeInTheDocument();
    expect(screen.getByText(/School website: may appear/)).toBeInTheDocument();
    expect(screen.getByText("The checks found nothing to fix.")).toBeInTheDocument();

    // R20: faces were found, and the leader still looks at the photo for anyone missed.
    await user.click(screen.getByRole("checkbox", { name: "Photo 1: No other identifiable person in this photo" }));
    await user.click(screen.getByRole("button", { name: "Approve this post" }));
    expect(await screen.findByText("Approved. It is being published now to the school website.")).toHaveFocus();
    expect(api.find("POST", "/api/posts/12/approve")[0]?.body).toEqual({ content_hash: HASH, scheduled_at: null, confirmed_images: [31] });
  });

  it("says when and where an approved post will be published", async () => {
    const scheduled = { ...READY, status: "scheduled" as const, channels: ["website" as const, "facebook" as const], scheduled_at: "2026-12-05T15:30:00Z" };
    fakeApi(routes({ "POST /api/posts/12/approve": { status: 200, body: scheduled } }));
    const { user } = renderApp("/queue/12");

    await user.click(await screen.findByRole("checkbox", { name: "Photo 1: No other identifiable person in this photo" }));
    await user.click(screen.getByRole("button", { name: "Approve this post" }));

    const when = formatDateTime("2026-12-05T15:30:00Z");
    expect(await screen.findByText(`Approved. It will be published at ${when} to the school website and Facebook.`)).toHaveFocus();
  });

  it("gives a leader each finding's rule code under its details", async () => {
    fakeApi(routes({ "GET /api/posts/12": { status: 200, body: { ...READY, check_run: checkRun([NO_FACE_FINDING], [], "ready") } } }));
    renderApp("/queue/12");

    expect(await screen.findByText("Safeguarding rule R20")).toBeInTheDocument();
  });

  it("asks for one confirmation per photo, faces found or not, and sends them (R20)", async () => {
    const twoPhotos = {
      ...READY,
      images: [...READY.images, image({ id: 32, position: 1 })],
      check_run: checkRun([{ ...NO_FACE_FINDING, image: 32 }], READY.check_run?.faces ?? [], "ready"),
    };
    const api = fakeApi(
      routes({
        "GET /api/posts/12": { status: 200, body: twoPhotos },
        "POST /api/posts/12/approve": { status: 200, body: { ...twoPhotos, status: "scheduled", scheduled_at: "2026-11-04T09:00:00Z" } },
      }),
    );
    const { user } = renderApp("/queue/12");

    expect(await screen.findByText(/No identifiable face is left in this photo/)).toBeInTheDocument();
    const first = screen.getByRole("checkbox", { name: "Photo 1: No other identifiable person in this photo" });
    const second = screen.getByRole("checkbox", { name: "Photo 2: No other identifiable person in this photo" });
    await user.click(second);
    await user.click(screen.getByRole("button", { name: "Approve this post" }));
    expect(first).toHaveAccessibleDescription(expect.stringContaining("photo 1 not confirmed yet"));
    expect(first).toHaveFocus();
    expect(api.find("POST", "/api/posts/12/approve")).toHaveLength(0);

    await user.click(first);
    await user.type(screen.getByLabelText("Publish at (optional)"), "2026-11-04T09:00");
    await user.click(screen.getByRole("button", { name: "Approve this post" }));
    await screen.findByText(/Approved. It will be published at/);
    expect(api.find("POST", "/api/posts/12/approve")[0]?.body).toEqual({
      content_hash: HASH,
      scheduled_at: new Date("2026-11-04T09:00").toISOString(),
      confirmed_images: [31, 32],
    });
  });

  it("shows the server's refusal beside the photo confirmations (R20)", async () => {
    fakeApi(
      routes({
        "POST /api/posts/12/approve": {
          status: 400,
          body: { detail: "Confirm for each photo that no other identifiable person is in it (R20).", field: "confirmed_images", confirmed_images: ["Not yet confirmed: photo 1."] },
        },
      }),
    );
    const { user } = renderApp("/queue/12");

    const confirm = await screen.findByRole("checkbox", { name: "Photo 1: No other identifiable person in this photo" });
    await user.click(confirm);
    await user.click(screen.getByRole("button", { name: "Approve this post" }));
    expect(await screen.findByText("Not yet confirmed: photo 1.")).toBeInTheDocument();
  });

  it("will not reject without a reason", async () => {
    const api = fakeApi(routes({ "POST /api/posts/12/reject": { status: 200, body: { ...READY, status: "rejected", status_reason: "Wrong event" } } }));
    const { user } = renderApp("/queue/12");

    await user.click(await screen.findByRole("button", { name: "Reject" }));
    await user.click(screen.getByRole("button", { name: "Reject post" }));
    const reason = screen.getByLabelText("Why are you rejecting it?");
    expect(reason).toHaveAccessibleDescription(expect.stringContaining("Give a reason: the author will see it."));
    expect(reason).toHaveFocus();
    expect(api.find("POST", "/api/posts/12/reject")).toHaveLength(0);

    await user.type(reason, "Wrong event");
    await user.click(screen.getByRole("button", { name: "Reject post" }));
    expect(await screen.findByText("Rejected. The author has been told.")).toBeInTheDocument();
    expect(api.find("POST", "/api/posts/12/reject")[0]?.body).toEqual({ reason: "Wrong event" });
    expect(screen.getByText("Rejected", { selector: ".status" })).toBeInTheDocument();
  });

  it("asks for a comment before requesting changes", async () => {
    const api = fakeApi(routes({ "POST /api/posts/12/request-changes": { status: 200, body: { ...READY, status: "changes_requested" } } }));
    const { user } = renderApp("/queue/12");
    await user.click(await screen.findByRole("button", { name: "Request changes" }));
    await user.click(screen.getAllByRole("button", { name: "Request changes" }).at(-1)!);
    expect(screen.getByLabelText("What needs changing?")).toHaveAccessibleDescription(expect.stringContaining("Say what needs changing"));
    await user.type(screen.getByLabelText("What needs changing?"), "Crop the photo");
    await user.click(screen.getAllByRole("button", { name: "Request changes" }).at(-1)!);
    await screen.findByText("Changes requested. The author has been told.");
    expect(api.find("POST", "/api/posts/12/request-changes")[0]?.body).toEqual({ comment: "Crop the photo" });
  });

  it("hides the approve button on your own post and says why", async () => {
    fakeApi(routes({ "GET /api/posts/12": { status: 200, body: { ...READY, author: HEAD_ID, author_name: "Hana Head" } } }));
    renderApp("/queue/12");
    expect(await screen.findByText("You wrote this post, so you cannot approve it.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Approve/ })).toBeNull();
    expect(screen.getByRole("button", { name: "Reject" })).toBeInTheDocument();
  });

  it("shows the words changed since the version this leader last saw on any device (item 9)", async () => {
    const api = fakeApi(
      routes({
        "POST /api/posts/12/seen": { status: 200, body: { version: 2, previous_version: 1 } },
        "GET /api/posts/12/diff": {
          status: 200,
          body: {
            from_version: 1,
            to_version: 2,
            text_diff: ["--- before", "+++ now", "@@ -1 +1 @@", "-Year 4 planted a tree.", "+Year 4 planted trees today."],
            text_changes: [
              { change: "same", text: "Year 4 planted " },
              { change: "removed", text: "a tree." },
              { change: "added", text: "trees today." },
            ],
            channels: { before: ["website"], now: ["website"] },
            images_added: [],
            images_removed: [],
            images_changed: [31],
            alt_text_changed: [],
          },
        },
      }),
    );
    renderApp("/queue/12");
    expect(await screen.findByRole("heading", { name: /Changed since you last looked \(version 1 → 2\)/ })).toBeInTheDocument();
    const text = await screen.findByLabelText("The text now, with its changes");
    expect(within(text).getByRole("deletion")).toHaveTextContent("removed: a tree.");
    expect(within(text).getByRole("insertion")).toHaveTextContent("added: trees today.");
    expect(within(text).queryByText(/Year 4 planted a tree/)).toBeNull();
    expect(screen.getByText("Changed photo 1 (for example, faces blurred).")).toBeInTheDocument();
    expect(api.find("GET", "/api/posts/12/diff")[0]?.query.get("since")).toBe("1");
    expect(api.find("POST", "/api/posts/12/seen")).toHaveLength(1);
    expect(window.localStorage.getItem("school-post-queue.seen-versions")).toBeNull();
  });

  it("shows no changes the first time a leader opens a post", async () => {
    const api = fakeApi(routes({ "POST /api/posts/12/seen": { status: 200, body: { version: 2, previous_version: null } } }));
    renderApp("/queue/12");
    await waitFor(() => expect(api.find("POST", "/api/posts/12/seen")).toHaveLength(1));
    expect(screen.queryByRole("heading", { name: /Changed since you last looked/ })).toBeNull();
    expect(api.find("GET", "/api/posts/12/diff")).toHaveLength(0);
  });

  it("shows a banner on every screen while publishing is paused, and resumes it", async () => {
    let paused = true;
    const api = fakeApi(
      routes({
        "GET /api/schools/1/publishing": () => ({
          status: 200,
          body: { ...POLICY, paused_at: paused ? "2026-11-03T09:00:00Z" : null, pause_reason: paused ? "Wrong photo went out" : "" },
        }),
        "POST /api/schools/1/publishing": () => {
          paused = false;
          return { status: 200, body: [{ ...POLICY }] };
        },
      }),
    );
    const { user } = renderApp("/");

    const banner = await screen.findByRole("region", { name: "Publishing paused at Oakfield Primary" });
    expect(banner).toHaveTextContent("Publishing is paused at Oakfield Primary");
    expect(banner).toHaveTextContent("Reason: Wrong photo went out.");
    await user.click(within(banner).getByRole("link", { name: "Resume publishing" }));
    await user.click(await screen.findByRole("button", { name: "Resume publishing at Oakfield Primary" }));
    expect(await screen.findByText("Publishing resumed at Oakfield Primary.")).toBeInTheDocument();
    expect(api.find("POST", "/api/schools/1/publishing")[0]?.body).toEqual({ action: "resume", reason: "", whole_trust: false });
    await waitFor(() => expect(screen.queryByRole("region", { name: "Publishing paused at Oakfield Primary" })).toBeNull());
  });

  it("pauses publishing only with a reason", async () => {
    const api = fakeApi(routes({ "POST /api/schools/1/publishing": { status: 200, body: [POLICY] } }));
    const { user } = renderApp("/publishing");
    await user.click(await screen.findByRole("button", { name: "Pause publishing" }));
    expect(screen.getByLabelText("Why pause?")).toHaveAccessibleDescription("Say why publishing is paused.");
    expect(api.find("POST", "/api/schools/1/publishing")).toHaveLength(0);
    await user.type(screen.getByLabelText("Why pause?"), "Checking a complaint");
    await user.click(screen.getByRole("button", { name: "Pause publishing" }));
    await screen.findByText("Publishing paused at Oakfield Primary.");
    expect(api.find("POST", "/api/schools/1/publishing")[0]?.body).toEqual({ action: "pause", reason: "Checking a complaint", whole_trust: false });
  });
  it("lets another leader decide a disputed recognition, with a reason (R1)", async () => {
    const dispute = { id: 9, status: "open" as const, person: 70, person_label: "Amelia J.", reason: "It is her cousin", raised_by: 3, raised_by_name: "Sam Teacher", created_at: "2026-11-03T10:03:00Z", resolved_by: null, resolved_by_name: null, resolved_at: null, resolution_reason: "" };
    const disputed = post({
      ...READY,
      status: "blocked",
      images: [image({ faces: [face({ person: 70, person_label: "Amelia J.", identity_dispute: "open", disputes: [dispute] })] })],
      check_run: checkRun(
        [{ rule: "R1", severity: "block", message: "Someone says this face is not Amelia J.", image: 31, face_id: 5, box: [100, 300, 200, 200], person_id: 70, remedies: ["resolve_dispute", "blur", "remove_image"] }],
        [faceCheck({ person_id: 70, identity_dispute: "open" })],
        "blocked",
      ),
    });
    const api = fakeApi(
      routes({
        "GET /api/posts/12": { status: 200, body: disputed },
        "POST /api/posts/12/disputes/9/resolve": { status: 200, body: { ...disputed, status: "checking" } },
      }),
    );
    const { user } = renderApp("/queue/12");

    expect(await screen.findByText(/Sam Teacher said this is not Amelia J\./)).toBeInTheDocument();
    expect(screen.getByText("Recognition disputed", { exact: false })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Not Amelia J.: remove the recognition" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Give the reason for your decision.");
    await user.type(screen.getByLabelText("Is face 1 in photo 1 Amelia J.? Your reason"), "Checked with the class teacher");
    await user.click(screen.getByRole("button", { name: "Not Amelia J.: remove the recognition" }));
    await screen.findByText(/The recognition of face 1 in photo 1 as Amelia J\. was removed/);
    expect(api.find("POST", "/api/posts/12/disputes/9/resolve")[0]?.body).toEqual({ outcome: "upheld", reason: "Checked with the class teacher" });
  });

  it("does not let the leader who raised a dispute decide it (R1)", async () => {
    const dispute = { id: 9, status: "open" as const, person: 70, person_label: "Amelia J.", reason: "Not her", raised_by: HEAD_ID, raised_by_name: "Hana Head", created_at: "2026-11-03T10:03:00Z", resolved_by: null, resolved_by_name: null, resolved_at: null, resolution_reason: "" };
    fakeApi(routes({ "GET /api/posts/12": { status: 200, body: post({ ...READY, status: "blocked", images: [image({ faces: [face({ person: 70, person_label: "Amelia J.", identity_dispute: "open", disputes: [dispute] })] })] }) } }));
    renderApp("/queue/12");

    expect(await screen.findByText("You raised this dispute: another leader decides it.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /remove the recognition/ })).not.toBeInTheDocument();
  });

  it("shows who tagged an adult, their name, and asks another leader to confirm it (R2)", async () => {
    const adult = face({ tag: "adult_consent", adult_name: "Mr Khan (governor)", tagged_by: 3, tagged_by_name: "Sam Teacher", tagged_at: "2026-11-03T10:02:00Z" });
    const tagged = post({
      ...READY,
      status: "needs_tagging",
      images: [image({ faces: [adult] })],
      check_run: checkRun(
        [{ rule: "R2", severity: "tag", message: "This face is tagged as an adult whose consent is on file (Mr Khan (governor)).", image: 31, face_id: 5, box: [100, 300, 200, 200], remedies: ["confirm_adult", "blur"] }],
        [faceCheck({ tag: "adult_consent" })],
      ),
    });
    const api = fakeApi(
      routes({
        "GET /api/schools/1/publishing": { status: 200, body: { ...POLICY, adult_tags_need_leader_confirmation: true } },
        "GET /api/posts/12": { status: 200, body: tagged },
        "POST /api/posts/12/faces/5/confirm-adult": { status: 200, body: { ...tagged, status: "checking" } },
      }),
    );
    const { user } = renderApp("/queue/12");

    expect(await screen.findByText("Adult with consent on file: Mr Khan (governor)")).toBeInTheDocument();
    // Item 11: who tagged the adult, and when, beside that face.
    const faceItem = screen.getByText("Adult with consent on file: Mr Khan (governor)").closest("li")!;
    expect(within(faceItem).getByText(`Tagged as an adult by Sam Teacher, ${formatDateTime("2026-11-03T10:02:00Z")}`)).toBeInTheDocument();
    await user.click(await screen.findByRole("button", { name: "Confirm: Mr Khan (governor) has consent on file" }));
    await screen.findByText(/Confirmed: face 1 in photo 1 is Mr Khan \(governor\)/);
    expect(api.find("POST", "/api/posts/12/faces/5/confirm-adult")).toHaveLength(1);
  });

  it("opens the photo full screen, zooms it, and names who tagged each face beside its number (items 8, 11)", async () => {
    const adult = face({ tag: "adult_consent", adult_name: "Mr Khan", tagged_by: 3, tagged_by_name: "Sam Teacher", tagged_at: "2026-11-03T10:02:00Z", box: [10, 300, 110, 200] });
    fakeApi(routes({ "GET /api/posts/12": { status: 200, body: post({ ...READY, images: [image({ faces: [adult] })] }) } }));
    const { user } = renderApp("/queue/12");

    const enlarge = await screen.findByRole("button", { name: "Enlarge photo 1" });
    // The number sits outside the face: below the box here, as the face is at the top.
    expect(screen.getByTestId("face-box-5")).toHaveClass("face-box--badge-below");
    await user.click(enlarge);
    const viewer = screen.getByRole("dialog", { name: "Photo 1" });
    expect(within(viewer).getByRole("button", { name: "Close" })).toHaveFocus();
    expect(within(viewer).getByRole("img")).toHaveAttribute("src", expect.stringContaining("large"));
    const frame = within(viewer).getByTestId("viewer-frame");
    expect(frame).toHaveAttribute("data-zoom", "1.00");
    await user.click(within(viewer).getByRole("button", { name: "Zoom in" }));
    expect(frame).toHaveAttribute("data-zoom", "1.50");
    expect(within(viewer).getByRole("list", { name: "Faces in this photo" })).toHaveTextContent(
      `Face 1: Adult with consent on file: Mr Khan. Tagged as an adult by Sam Teacher, ${formatDateTime("2026-11-03T10:02:00Z")}.`,
    );
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(enlarge).toHaveFocus();
  });

  it("zooms the full-screen photo with a two-finger pinch (item 8)", async () => {
    fakeApi(routes({}));
    const { user } = renderApp("/queue/12");
    await user.click(await screen.findByRole("button", { name: "Enlarge photo 1" }));
    const frame = screen.getByTestId("viewer-frame");
    fireEvent.pointerDown(frame, { pointerId: 1, clientX: 100, clientY: 100 });
    fireEvent.pointerDown(frame, { pointerId: 2, clientX: 200, clientY: 100 });
    fireEvent.pointerMove(frame, { pointerId: 2, clientX: 300, clientY: 100 });
    expect(frame).toHaveAttribute("data-zoom", "2.00");
    fireEvent.pointerUp(frame, { pointerId: 2 });
    fireEvent.pointerUp(frame, { pointerId: 1 });
  });
});
