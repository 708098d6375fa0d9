import { describe, expect, it } from "vitest";
import { ApiError } from "./api";
import { errorMessages, isSignedOutError } from "./errors";

describe("errorMessages", () => {
  it("puts a domain error beside the field it names when the form shows that field", () => {
    const error = new ApiError(400, {
      detail: "Give the device a name, e.g. 'Year 3 iPad'.",
      code: "invalid",
      field: "name",
      name: ["Give the device a name, e.g. 'Year 3 iPad'."],
    });
    expect(errorMessages(error, ["name"])).toEqual({
      top: [],
      fields: { name: ["Give the device a name, e.g. 'Year 3 iPad'."] },
      code: "invalid",
    });
  });

  it("puts a domain error at the top when the form has no such field, once", () => {
    const error = new ApiError(409, {
      detail: "A school with this slug already exists.",
      code: "conflict",
      field: "slug",
      slug: ["A school with this slug already exists."],
    });
    expect(errorMessages(error, ["name"])).toEqual({
      top: ["A school with this slug already exists."],
      fields: {},
      code: "conflict",
    });
  });

  it("puts a domain error without a field at the top", () => {
    const error = new ApiError(403, {
      detail: "This device's enrolment was revoked. Ask your trust administrator.",
      code: "device_revoked",
    });
    expect(errorMessages(error, ["text"]).top).toEqual([
      "This device's enrolment was revoked. Ask your trust administrator.",
    ]);
  });

  it("maps DRF validation errors to their fields, and the rest to the top with a label", () => {
    const error = new ApiError(400, {
      email: ["Enter a valid email address."],
      password: ["This field is required."],
      non_field_errors: ["Something about the whole form."],
      school_id: ["Not one of yours."],
    });
    expect(errorMessages(error, ["email", "password"])).toEqual({
      top: ["Something about the whole form.", "School id: Not one of yours."],
      fields: { email: ["Enter a valid email address."], password: ["This field is required."] },
      code: null,
    });
  });

  it("shows DRF's bare detail at the top", () => {
    const error = new ApiError(404, { detail: "Not found." });
    expect(errorMessages(error, ["name"]).top).toEqual(["Not found."]);
  });

  it("explains a lost connection, throttling and a server fault in plain words", () => {
    expect(errorMessages(new ApiError(0, null)).top[0]).toMatch(/Could not reach the server/);
    expect(errorMessages(new ApiError(429, "Too Many Requests")).top[0]).toMatch(/Too many attempts/);
    expect(errorMessages(new ApiError(500, "<html>Server Error</html>")).top[0]).toMatch(/on the server/);
  });

  it("has nothing to say when there is no error", () => {
    expect(errorMessages(null)).toEqual({ top: [], fields: {}, code: null });
  });
});

describe("isSignedOutError", () => {
  it("is true for DRF's not-signed-in answer, false for a domain refusal", () => {
    expect(isSignedOutError(new ApiError(403, { detail: "Authentication credentials were not provided." }))).toBe(true);
    expect(isSignedOutError(new ApiError(403, { detail: "No.", code: "device_required" }))).toBe(false);
    expect(isSignedOutError(new ApiError(400, { detail: "x" }))).toBe(false);
  });
});
