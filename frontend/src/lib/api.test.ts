import { describe, expect, it } from "vitest";
import { fakeApi } from "../test/fakeApi";
import { api, ApiError, unwrap } from "./api";
import { storeDeviceCredential } from "./deviceCredential";

const CREDENTIAL = "dev_0a1b2c3d4e5f.Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg";

describe("api client", () => {
  it("sends the CSRF token and the tablet's credential on changes, neither on reads", async () => {
    document.cookie = "csrftoken=abc123; path=/";
    storeDeviceCredential(CREDENTIAL);
    const fake = fakeApi({
      "GET /api/auth/me": { status: 403, body: { detail: "Authentication credentials were not provided." } },
      "POST /api/auth/logout": { status: 204 },
    });

    await api.GET("/api/auth/me");
    await unwrap(api.POST("/api/auth/logout"));

    const [read] = fake.find("GET", "/api/auth/me");
    expect(read?.headers.get("X-CSRFToken")).toBeNull();
    expect(read?.headers.get("X-Device-Token")).toBeNull();
    const [change] = fake.find("POST", "/api/auth/logout");
    expect(change?.headers.get("X-CSRFToken")).toBe("abc123");
    expect(change?.headers.get("X-Device-Token")).toBe(CREDENTIAL);
  });

  it("asks Django for a CSRF token when there is no cookie yet", async () => {
    const fake = fakeApi({
      "GET /api/auth/csrf": { status: 200, body: { csrf_token: "from-body" } },
      "POST /api/auth/logout": { status: 204 },
    });

    await unwrap(api.POST("/api/auth/logout"));

    expect(fake.find("GET", "/api/auth/csrf")).toHaveLength(1);
    expect(fake.find("POST", "/api/auth/logout")[0]?.headers.get("X-CSRFToken")).toBe("from-body");
    expect(fake.find("POST", "/api/auth/logout")[0]?.headers.get("X-Device-Token")).toBeNull();
  });

  it("turns an error answer into ApiError with its status and parsed body", async () => {
    fakeApi({ "GET /api/auth/me": { status: 403, body: { detail: "Nope." } } });
    const failure = await unwrap(api.GET("/api/auth/me")).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 403, body: { detail: "Nope." } });
  });

  it("turns a network failure into ApiError with status 0", async () => {
    fakeApi({ "GET /api/auth/me": () => Promise.reject(new TypeError("Failed to fetch")) });
    const failure = await unwrap(api.GET("/api/auth/me")).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 0 });
  });
});
