import { fireEvent, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { fakeApi, meFor } from "../../../test/fakeApi";
import { renderApp } from "../../../test/renderApp";

const PERSON = {
  id: 70, school_id: 1, kind: "pupil", mis_id: "A123", legal_first_name: "Amelia", preferred_first_name: "", display_first_name: "Amelia", last_name: "Jones",
  year_group: "Year 4", registration_group: "4B", date_of_birth: null, on_roll: true, left_on: null, do_not_publish: false, enrolments: 0, consent: {}, contacts: [],
};
const MANY_FACES = {
  detail: "The reference photo shows 2 faces of similar size; it must show one person clearly (crop it to the person).",
  code: "many_faces",
  field: "photos",
  photos: ["The reference photo shows 2 faces of similar size; it must show one person clearly (crop it to the person)."],
};

describe("enrolling a reference photo", () => {
  it("lets the administrator point at the person's face when the photo shows two alike", async () => {
    vi.stubGlobal("URL", Object.assign(URL, { createObjectURL: () => "blob:photo", revokeObjectURL: () => undefined }));
    const api = fakeApi({
      "GET /api/auth/me": { status: 200, body: meFor(["consent_admin"]) },
      "GET /api/people/70/status": { status: 200, body: { id: 70, display_first_name: "Amelia", last_name: "Jones", year_group: "Year 4", do_not_publish: false, channels: {} } },
      "GET /api/people/70": { status: 200, body: PERSON },
      "GET /api/people/70/consent": { status: 200, body: { current: {}, records: [] } },
      "GET /api/people/70/enrolments": { status: 200, body: [] },
      "GET /api/schools/1/dpia": { status: 200, body: { face_identification_enabled: true, dpia_reference: "D1", dpo_name: "Dee", dpia_signed_at: null } },
      "POST /api/people/70/enrolments": [
        { status: 400, body: MANY_FACES },
        { status: 201, body: [{ id: 1, photo_sha256: "ab", encoder: "dlib-resnet-128", created_at: "2026-12-05T10:00:00Z" }] },
      ],
    });
    const { user } = renderApp("/consent/1/people/70");

    const photo = new File([new Uint8Array([255, 216, 255])], "two.jpg", { type: "image/jpeg" });
    await user.upload(await screen.findByLabelText("Photos (up to 5)"), photo);
    await user.click(screen.getByRole("button", { name: "Enrol photos" }));
    const picture = await screen.findByRole("img", { name: /Tap Amelia's face/ });
    vi.spyOn(picture, "getBoundingClientRect").mockReturnValue({ left: 0, top: 0, width: 200, height: 100, right: 200, bottom: 100, x: 0, y: 0, toJSON: () => ({}) });
    fireEvent.click(picture, { clientX: 150, clientY: 25 });

    expect(await screen.findByText("1 reference photo of Amelia enrolled.")).toBeInTheDocument();
    const [, second] = api.find("POST", "/api/people/70/enrolments");
    expect(second?.body).toMatchObject({ face_points: "0.750,0.250" });
  });
});
