/**
 * The one way the app talks to the API: openapi-fetch typed by the generated schema
 * (src/client/schema.d.ts, made from openapi.yaml by `npm run generate`; never edit it).
 *
 * Every request is same-origin with the session cookie. Unsafe methods carry Django's CSRF
 * token (read from the csrftoken cookie each time, because signing in rotates it) and, when
 * this browser holds one, the enrolled tablet's credential as X-Device-Token.
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "../client/schema";
import { readDeviceCredential } from "./deviceCredential";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);
const CSRF_COOKIE = "csrftoken";

export class ApiError extends Error {
  /** HTTP status; 0 when the server could not be reached at all. */
  readonly status: number;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  readonly body: unknown;

  constructor(status: number, body: unknown) {
    super(`API request failed with status ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
  }
}

function readCookie(name: string): string | null {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

async function csrfToken(): Promise<string> {
  const fromCookie = readCookie(CSRF_COOKIE);
  if (fromCookie) return fromCookie;
  // No cookie yet (e.g. the page came from the dev server): ask Django to set one.
  const response = await fetch(`${baseUrl()}/api/auth/csrf`, { credentials: "same-origin" });
  const body: unknown = await response.json().catch(() => null);
  const fromBody =
    body !== null && typeof body === "object" && "csrf_token" in body
      ? String((body as { csrf_token: unknown }).csrf_token)
      : "";
  return readCookie(CSRF_COOKIE) ?? fromBody;
}

const sessionHeaders: Middleware = {
  async onRequest({ request }) {
    if (SAFE_METHODS.has(request.method)) return request;
    request.headers.set("X-CSRFToken", await csrfToken());
    const credential = readDeviceCredential();
    if (credential) request.headers.set("X-Device-Token", credential);
    return request;
  },
};

function baseUrl(): string {
  return typeof window === "undefined" ? "" : window.location.origin;
}

export const api = createClient<paths>({
  baseUrl: baseUrl(),
  credentials: "same-origin",
  // Looked up per call (not captured once) so tests can stand in a fake server.
  fetch: (request) => globalThis.fetch(request),
});
api.use(sessionHeaders);

/**
 * Turn openapi-fetch's `{data, error, response}` into the data, or throw ApiError.
 * A network failure becomes ApiError with status 0.
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (cause) {
    if (cause instanceof ApiError) throw cause;
    throw new ApiError(0, null);
  }
  if (!result.response.ok) throw new ApiError(result.response.status, result.error);
  return result.data as T;
}

/** Headers that prove this browser is the enrolled tablet, for the one read that needs it
 * (GET /api/devices/current). Unsafe requests get them from the middleware above. */
export function deviceHeaders(): Record<string, string> {
  const credential = readDeviceCredential();
  return credential ? { "X-Device-Token": credential } : {};
}

/** A generated multipart body type with its binary fields widened to files. (openapi-typescript
 * types `format: binary` as string; the browser sends a File.) */
export type WithFiles<T> = {
  [K in keyof T]: NonNullable<T[K]> extends string
    ? T[K] | Blob
    : NonNullable<T[K]> extends string[]
      ? Array<string | Blob> | Extract<T[K], undefined>
      : T[K];
};

/**
 * A multipart/form-data body for a generated request type: the field names are checked
 * against the schema, the values go into FormData (openapi-fetch passes FormData through
 * untouched and the browser sets the boundary). Booleans become "true"/"false".
 */
export function multipart<T extends object>(fields: WithFiles<T>): T {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields) as [string, unknown][]) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item instanceof Blob) form.append(name, item, item instanceof File ? item.name : "upload");
      else form.append(name, String(item));
    }
  }
  return form as unknown as T;
}
