import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { storeDeviceCredential } from "../../../lib/deviceCredential";
import { fakeApi, meFor } from "../../../test/fakeApi";
import { checkRun, face, faceCheck, image, NO_FACE_FINDING, page, post, UNIDENTIFIED_FINDING } from "../../../test/posts";
import { renderApp } from "../../../test/renderApp";

const CREDENTIAL = "dev_0a1b2c3d4e5f.Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg";
const STAFF = { status: 200, body: meFor(["staff"]) };
const NOT_PAUSED = { status: 200, body: { school: 1, approvals_required: 1, approvals_required_identifiable_pupils: 1, dsl_clearance_required: false, daily_digest: false, paused_at: null, pause_reason: "" } };

const PHOTO = image({ faces: [face()] });
const NEEDS_TAGGING = post({
  status: "needs_tagging",
  status_reason: "1 thing to fix: an unidentified face.",
  submitted_at: "2026-11-03T10:01:00Z",
  version: 2,
  image_count: 1,
  images: [PHOTO],
  check_run: checkRun(
    [UNIDENTIFIED_FINDING],
    [faceCheck()],
  ),
});

describe("drafting a post", () => {
  it("drafts, adds a photo, submits, and shows the check's findings with their remedies", async () => {
    storeDeviceCredential(CREDENTIAL);
    const draft = post({ text: "Year 4 planted trees today.", channels: ["website", "x"] });
    const withPhoto = post({ ...draft, image_count: 1, images: [image({ detected_at: null })] });
    const api = fakeApi({
      "GET /api/auth/me": STAFF,
      "GET /api/schools/1/publishing": NOT_PAUSED,
      "POST /api/posts": { status: 201, body: draft },
      "GET /api/posts/12": [
        { status: 200, body: draft },
        { status: 200, body: NEEDS_TAGGING },
      ],
      "POST /api/posts/12/images": { status: 201, body: withPhoto },
      "POST /api/posts/12/submit": { status: 200, body: { ...withPhoto, status: "checking", status_reason: "Checks started", submitted_at: "2026-11-03T10:01:00Z" } },
    });
    const { user } = renderApp("/posts/new");

    await user.type(await screen.findByLabelText("Text"), "Year 4 planted trees today.");
    await user.click(screen.getByRole("checkbox", { name: /^X/ }));
    expect(screen.getByText(/X: 27 of 280/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Save draft and add photos" }));

    expect(await screen.findByRole("heading", { name: "Draft post", level: 1 })).toBeInTheDocument();
    expect(screen.getByText("Draft saved. Add photos if you want, then send it for checks.")).toBeInTheDocument();
    expect(api.find("POST", "/api/posts")[0]?.body).toEqual({ text: "Year 4 planted trees today.", channels: ["website", "x"], scheduled_at: null });
    expect(api.find("POST", "/api/posts")[0]?.headers.get("X-Device-Token")).toBe(CREDENTIAL);

    const file = new File(["jpeg bytes"], "garden.jpg", { type: "image/jpeg" });
    await user.upload(screen.getByLabelText("Photo"), file);
    await user.type(screen.getByLabelText("Describe the photo (alt text)"), "Year 4 in the garden");
    await user.click(screen.getByRole("button", { name: "Add photo" }));
    expect(await screen.findByText("Photo added.")).toBeInTheDocument();
    // (jsdom's File loses its name and bytes on the way into Node's Request; the
    // end-to-end test sends a real photo.)
    expect(api.find("POST", "/api/posts/12/images")[0]?.body).toEqual({
      image: expect.objectContaining({ type: "image/jpeg" }),
      alt_text: "Year 4 in the garden",
    });
    expect(screen.getByRole("img", { name: "Year 4 in the garden" })).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Send for checks" }));
    expect(await screen.findByText("Sent. The safeguarding checks are running.")).toHaveFocus();
    expect(screen.getByText("Checks started")).toBeInTheDocument();

    // The page asks again while the checks run, then shows what they found.
    expect(await screen.findByText("Needs tagging", {}, { timeout: 4000 })).toBeInTheDocument();
    // Item 2: the message under the status says what the checks say now, not "running".
    expect(screen.getByText("Sent. The checks say: needs tagging.")).toBeInTheDocument();
    expect(screen.queryByText(/checks are running/)).toBeNull();
    const findings = screen.getByRole("region", { name: "Needs tagging" });
    const finding = within(findings).getByRole("listitem");
    expect(within(finding).getByText(/Face 1 in photo 1/)).toBeInTheDocument();
    expect(within(finding).getByText(/A face in this photo is not identified/)).toBeInTheDocument();
    const remedies = within(finding).getByRole("group", { name: "Ways to fix: Face 1 in photo 1" });
    expect(within(remedies).getAllByRole("button").map((b) => b.textContent)).toEqual(["Tag this face", "Blur this face", "Not a face"]);

    // The face box is drawn over the photo, scaled to the photo: [top, right, bottom, left].
    const box = screen.getByTestId("face-box-5");
    expect(box.style.left).toBe("25%");
    expect(box.style.top).toBe(`${(100 / 600) * 100}%`);
    expect(box.style.width).toBe("12.5%");
    expect(screen.getByText("Unidentified")).toBeInTheDocument();
  });

  it("shows an upload problem beside the photo field", async () => {
    storeDeviceCredential(CREDENTIAL);
    fakeApi({
      "GET /api/auth/me": STAFF,
      "GET /api/posts/12": { status: 200, body: post() },
      "POST /api/posts/12/images": {
        status: 400,
        body: { detail: "This file is not a photo we can read (JPEG, PNG or HEIC).", code: "invalid", field: "image", image: ["This file is not a photo we can read (JPEG, PNG or HEIC)."] },
      },
    });
    const { user } = renderApp("/posts/12");

    await user.upload(await screen.findByLabelText("Photo"), new File(["%PDF"], "form.pdf", { type: "image/jpeg" }));
    await user.click(screen.getByRole("button", { name: "Add photo" }));

    const field = screen.getByLabelText("Photo");
    await waitFor(() => expect(field).toHaveAttribute("aria-invalid", "true"));
    expect(field).toHaveAccessibleDescription(expect.stringContaining("This file is not a photo we can read"));
    expect(field).toHaveFocus();
  });

  it("counts characters per channel as you type and stops text that is too long for X", async () => {
    storeDeviceCredential(CREDENTIAL);
    const api = fakeApi({ "GET /api/auth/me": STAFF });
    const { user } = renderApp("/posts/new");

    await user.click(await screen.findByRole("checkbox", { name: /^X/ }));
    const text = screen.getByLabelText("Text");
    await user.click(text);
    await user.paste("a".repeat(290));
    expect(screen.getByText(/X: 290 of 280 — 10 too many/)).toBeInTheDocument();
    expect(screen.getByText(/School website: 290 of 10,000/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Save draft and add photos" }));
    expect(text).toHaveAccessibleDescription(expect.stringContaining("too long for a channel"));
    expect(api.find("POST", "/api/posts")).toHaveLength(0);
  });

  it("tags a face as a person from the register", async () => {
    storeDeviceCredential(CREDENTIAL);
    const api = fakeApi({
      "GET /api/auth/me": STAFF,
      "GET /api/posts/12": { status: 200, body: NEEDS_TAGGING },
      "GET /api/schools/1/people/status": {
        status: 200,
        body: page([
          { id: 70, display_first_name: "Amelia", last_name: "Jones", year_group: "Year 4", do_not_publish: false, channels: {} },
          { id: 71, display_first_name: "Amelia", last_name: "Khan", year_group: "Year 6", do_not_publish: true, channels: {} },
        ]),
      },
      "POST /api/posts/12/faces/5/tag": { status: 200, body: { ...NEEDS_TAGGING, status: "checking", status_reason: "Edited after submission" } },
    });
    const { user } = renderApp("/posts/12");

    await user.click(await screen.findByRole("button", { name: "Tag this face" }));
    expect(screen.getByText("Who is face 1 in photo 1?")).toHaveFocus();
    await user.type(screen.getByLabelText("Search the register by name"), "Amel");
    const people = await screen.findByRole("list", { name: "People found" });
    expect(within(people).getByText("Do not publish")).toBeInTheDocument();
    await user.click(within(people).getByRole("button", { name: /Amelia Jones/ }));
    await user.click(screen.getByRole("button", { name: "Tag as Amelia Jones" }));

    const flash = await screen.findByText("Tagged face 1 in photo 1 as Amelia Jones. The safeguarding checks are running.");
    expect(flash).toHaveFocus();
    expect(api.find("POST", "/api/posts/12/faces/5/tag")[0]?.body).toEqual({ tag: "person", person_id: 70 });
    expect(api.find("GET", "/api/schools/1/people/status").at(-1)?.query.get("search")).toBe("Amel");
    expect(screen.getByText("Checking", { selector: ".status" })).toBeInTheDocument();
  });

  it("tags a face as an adult with consent only after the author confirms it", async () => {
    storeDeviceCredential(CREDENTIAL);
    const api = fakeApi({
      "GET /api/auth/me": STAFF,
      "GET /api/posts/12": { status: 200, body: NEEDS_TAGGING },
      "POST /api/posts/12/faces/5/tag": { status: 200, body: { ...NEEDS_TAGGING, status: "checking" } },
    });
    const { user } = renderApp("/posts/12");

    await user.click(await screen.findByRole("button", { name: "Tag this face" }));
    await user.click(screen.getByRole("radio", { name: "An adult whose photo consent is on file" }));
    await user.click(screen.getByRole("button", { name: "Tag as adult with consent" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Say which adult this is (their name).");
    await user.type(screen.getByLabelText("The adult's name"), "Mr Khan (governor)");
    await user.click(screen.getByRole("button", { name: "Tag as adult with consent" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Confirm that this adult's consent is on file first.");
    expect(api.find("POST", "/api/posts/12/faces/5/tag")).toHaveLength(0);
    await user.click(screen.getByRole("checkbox", { name: /I confirm this is an adult/ }));
    await user.click(screen.getByRole("button", { name: "Tag as adult with consent" }));
    await screen.findByText(/as Mr Khan \(governor\), an adult with consent on file/);
    // R2: the adult is named, so the approver can check who it is.
    expect(api.find("POST", "/api/posts/12/faces/5/tag")[0]?.body).toEqual({ tag: "adult_consent", adult_name: "Mr Khan (governor)" });
  });

  it("blurs a face, then shows the post passing the checks", async () => {
    storeDeviceCredential(CREDENTIAL);
    const blurred = image({ faces: [face({ blurred: true })] });
    const passed = post({
      ...NEEDS_TAGGING,
      status: "awaiting_approval",
      status_reason: "Checks passed",
      version: 3,
      images: [blurred],
      check_run: checkRun([], [faceCheck({ blurred: true })], "ready"),
    });
    const api = fakeApi({
      "GET /api/auth/me": STAFF,
      "GET /api/posts/12": [
        { status: 200, body: NEEDS_TAGGING },
        { status: 200, body: passed },
      ],
      "POST /api/posts/12/blur": { status: 200, body: { ...NEEDS_TAGGING, status: "checking", status_reason: "Edited after submission", images: [blurred] } },
    });
    const { user } = renderApp("/posts/12");

    await user.click(await screen.findByRole("button", { name: "Blur this face" }));
    expect(await screen.findByText("Blurred face 1 in photo 1. The safeguarding checks are running.")).toHaveFocus();
    expect(api.find("POST", "/api/posts/12/blur")[0]?.body).toEqual({ face_ids: [5], without_consent: false });
    // A new image URL, so the browser fetches the blurred photo instead of showing the old one.
    expect(screen.getByRole("img", { name: "Year 4 in the garden" }).getAttribute("src")).toBe("/api/posts/12/images/31/file/medium?v=2-1");

    expect(await screen.findByText("Waiting for approval", {}, { timeout: 4000 })).toBeInTheDocument();
    expect(screen.getByText("The checks found nothing to fix.")).toBeInTheDocument();
    expect(screen.getByText("Blurred")).toBeInTheDocument();
  });

  it("blurs every face without consent in one go", async () => {
    storeDeviceCredential(CREDENTIAL);
    const api = fakeApi({
      "GET /api/auth/me": STAFF,
      "GET /api/posts/12": { status: 200, body: NEEDS_TAGGING },
      "POST /api/posts/12/blur": { status: 200, body: { ...NEEDS_TAGGING, status: "checking" } },
    });
    const { user } = renderApp("/posts/12");
    await user.click(await screen.findByRole("button", { name: "Blur all faces without consent" }));
    await screen.findByText("Blurred every face without consent. The safeguarding checks are running.");
    expect(api.find("POST", "/api/posts/12/blur")[0]?.body).toEqual({ without_consent: true });
  });

  it("highlights a name the checks found in the text, and offers the first name only", async () => {
    storeDeviceCredential(CREDENTIAL);
    const text = "🌳 Well done Amelia Jones!";
    const blocked = post({
      ...NEEDS_TAGGING,
      status: "blocked",
      text,
      check_run: checkRun(
        [
          {
            rule: "R4",
            severity: "block",
            field: "text",
            span: [12, 24], // code points, as Python counts: the emoji is one
            person_id: 70,
            message: 'The full name "Amelia Jones" appears beside a photo with an identifiable face.',
            remedies: ["edit_text", "use_first_name_only", "blur", "remove_image"],
          },
        ],
        [],
        "blocked",
      ),
    });
    const api = fakeApi({
      "GET /api/auth/me": STAFF,
      "GET /api/posts/12": { status: 200, body: blocked },
      "PATCH /api/posts/12": { status: 200, body: { ...blocked, status: "checking", text: "🌳 Well done Amelia!" } },
    });
    const { user } = renderApp("/posts/12");

    const mark = await screen.findByText("Amelia Jones", { selector: "mark" });
    expect(mark.textContent).toBe("[flagged: Amelia Jones]");
    await user.click(screen.getByRole("button", { name: "Use the first name only" }));
    // Item 1: the remedy applies at once (no editor to save), with Undo.
    expect(await screen.findByText(/^Changed “Amelia Jones” to “Amelia”\. The safeguarding checks are running\.$/)).toHaveFocus();
    expect(api.find("PATCH", "/api/posts/12")[0]?.body).toEqual({ text: "🌳 Well done Amelia!" });
    expect(screen.queryByLabelText("Text")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Undo: Put back “Amelia Jones”" }));
    await waitFor(() => expect(api.find("PATCH", "/api/posts/12")).toHaveLength(2));
    expect(api.find("PATCH", "/api/posts/12")[1]?.body).toEqual({ text });
  });

  it("keeps the text typed in the editor when another remedy is pressed (item 1)", async () => {
    storeDeviceCredential(CREDENTIAL);
    const blocked = post({
      ...NEEDS_TAGGING,
      status: "blocked",
      text: "Well done Amelia Jones!",
      check_run: checkRun(
        [
          { rule: "R4", severity: "block", field: "text", span: [10, 22], person_id: 70, message: "A full name.", remedies: ["edit_text", "use_first_name_only"] },
          { ...UNIDENTIFIED_FINDING },
        ],
        [faceCheck()],
        "blocked",
      ),
    });
    const api = fakeApi({
      "GET /api/auth/me": STAFF,
      "GET /api/posts/12": { status: 200, body: blocked },
      "POST /api/posts/12/blur": { status: 200, body: { ...blocked, status: "checking" } },
    });
    const { user } = renderApp("/posts/12");

    await user.click(await screen.findByRole("button", { name: "Edit the text" }));
    const textarea = screen.getByLabelText("Text");
    await user.clear(textarea);
    await user.type(textarea, "Well done, Year 4!");
    await user.click(screen.getByRole("button", { name: "Blur this face" }));
    expect(await screen.findByText(/Your unsaved changes to the text are still in the editor\./)).toBeInTheDocument();
    expect(api.find("POST", "/api/posts/12/blur")).toHaveLength(1);
    expect(screen.getByLabelText("Text")).toHaveValue("Well done, Year 4!");

    // Cancelling asks before the typed text is thrown away.
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.getByRole("group", { name: "Throw away your changes?" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Keep editing" }));
    expect(screen.getByLabelText("Text")).toHaveValue("Well done, Year 4!");
  });

  it("counts the things to fix from the list shown (item 2)", async () => {
    storeDeviceCredential(CREDENTIAL);
    const blocked = post({ ...NEEDS_TAGGING, status: "blocked", status_reason: "4 things to fix: an unidentified face." });
    fakeApi({ "GET /api/auth/me": STAFF, "GET /api/posts/12": { status: 200, body: blocked } });
    renderApp("/posts/12");
    expect(await screen.findByText("1 thing to fix: an unidentified face.")).toBeInTheDocument();
    expect(screen.queryByText(/4 things to fix/)).toBeNull();
  });

  it("offers the first name only when a full name is joined with a full stop", async () => {
    storeDeviceCredential(CREDENTIAL);
    const text = "Well done Amara.Okoye!";
    const blocked = post({
      ...NEEDS_TAGGING,
      status: "blocked",
      text,
      check_run: checkRun(
        [
          {
            rule: "R4",
            severity: "block",
            field: "text",
            span: [10, 21],
            person_id: 71,
            message: 'The full name "Amara.Okoye" appears beside a photo with an identifiable face.',
            remedies: ["edit_text", "use_first_name_only", "blur", "remove_image"],
          },
        ],
        [],
        "blocked",
      ),
    });
    const api = fakeApi({
      "GET /api/auth/me": STAFF,
      "GET /api/posts/12": { status: 200, body: blocked },
      "PATCH /api/posts/12": { status: 200, body: { ...blocked, status: "checking", text: "Well done Amara!" } },
    });
    const { user } = renderApp("/posts/12");

    await user.click(await screen.findByRole("button", { name: "Use the first name only" }));
    await waitFor(() => expect(api.find("PATCH", "/api/posts/12")[0]?.body).toEqual({ text: "Well done Amara!" }));
  });

  it("draws a face box the detector missed", async () => {
    storeDeviceCredential(CREDENTIAL);
    const noFace = post({ ...NEEDS_TAGGING, status: "awaiting_approval", images: [image()], check_run: checkRun([NO_FACE_FINDING], [], "ready") });
    const api = fakeApi({
      "GET /api/auth/me": STAFF,
      "GET /api/posts/12": { status: 200, body: noFace },
      "POST /api/posts/12/images/31/faces": { status: 201, body: { ...noFace, status: "checking" } },
    });
    const { user } = renderApp("/posts/12");

    const finding = (await screen.findByText(/No identifiable face is left in this photo/)).closest("li") as HTMLElement;
    expect(within(finding).getByText(/A leader confirms this when approving/)).toBeInTheDocument();
    await user.click(within(finding).getByRole("button", { name: "Draw a face box" }));
    expect(screen.getByRole("heading", { name: "Photo 1" })).toHaveFocus();

    await user.click(screen.getByText("Enter the box as numbers instead"));
    for (const [label, value] of [["Left (% of the photo)", "50"], ["Top (% of the photo)", "10"], ["Width (% of the photo)", "10"], ["Height (% of the photo)", "20"]] as const) {
      await user.clear(screen.getByLabelText(label));
      await user.type(screen.getByLabelText(label), value);
    }
    await user.click(screen.getByRole("button", { name: "Save face box" }));
    await screen.findByText("Face box added to photo 1. The safeguarding checks are running.");
    // [top, right, bottom, left] in pixels of the 800 x 600 original.
    expect(api.find("POST", "/api/posts/12/images/31/faces")[0]?.body).toEqual({ box: [60, 480, 180, 400] });
  });

  it("lists the author's posts with their status in words", async () => {
    const api = fakeApi({
      "GET /api/auth/me": STAFF,
      "GET /api/posts": { status: 200, body: page([{ ...NEEDS_TAGGING, images: undefined }, post({ id: 13, text: "Sports day" })]) },
    });
    renderApp("/posts");
    const list = await screen.findByRole("list", { name: "Your posts" });
    expect(within(list).getByRole("link", { name: "Sports day" })).toHaveAttribute("href", "/posts/13");
    expect(within(list).getByText("Needs tagging")).toBeInTheDocument();
    expect(within(list).getByText("Draft")).toBeInTheDocument();
    expect(api.find("GET", "/api/posts")[0]?.query.get("author")).toBe("7");
  });
  it("disputes a recognised face with a reason instead of tagging it (R1)", async () => {
    storeDeviceCredential(CREDENTIAL);
    const recognised = post({
      ...NEEDS_TAGGING,
      status: "blocked",
      images: [image({ faces: [face({ person: 70, person_label: "Amelia J." })] })],
      check_run: checkRun(
        [{ rule: "R1", severity: "block", message: "Amelia J. has no consent for photos on the school website.", image: 31, face_id: 5, box: [100, 300, 200, 200], person_id: 70, channel: "website", remedies: ["blur", "remove_channel", "remove_image"] }],
        [faceCheck({ person_id: 70, consent: { website: { allowed: false, reason: "No record", record_id: null } } })],
        "blocked",
      ),
    });
    const api = fakeApi({
      "GET /api/auth/me": STAFF,
      "GET /api/posts/12": { status: 200, body: recognised },
      "POST /api/posts/12/faces/5/dispute": { status: 201, body: { ...recognised, status: "checking" } },
    });
    const { user } = renderApp("/posts/12");

    // A recognised face offers no tag: only "this is not them", which a leader decides.
    expect(await screen.findByText("Amelia J. (recognised)")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Tag this face" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: /This is not Amelia J\./ }));
    await user.click(screen.getByRole("button", { name: "Send to a leader" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Say why this is not them.");
    expect(api.find("POST", "/api/posts/12/faces/5/dispute")).toHaveLength(0);
    await user.type(screen.getByLabelText("Why is this not Amelia J.?"), "It is her cousin Maya");
    await user.click(screen.getByRole("button", { name: "Send to a leader" }));
    await screen.findByText(/Sent to a leader: face 1 in photo 1 is not Amelia J\./);
    expect(api.find("POST", "/api/posts/12/faces/5/dispute")[0]?.body).toEqual({ reason: "It is her cousin Maya" });
  });
});
