/**
 * Where to show what went wrong. The API answers with either
 *   a domain error: {"detail": "...", "code": "...", "field": "x", "x": ["..."]}, or
 *   DRF validation: {"x": ["..."], "non_field_errors": ["..."]}, or
 *   a plain {"detail": "..."} (not signed in, throttled, not found).
 * Messages for a field the form shows go beside that field; everything else goes at the top.
 */
import { ApiError } from "./api";

export interface ErrorMessages {
  /** Shown at the top of the form or page. */
  top: string[];
  /** Shown beside the named field. */
  fields: Record<string, string[]>;
  /** The domain error's code, e.g. "otp_required", when the API gave one. */
  code: string | null;
}

export const NO_ERRORS: ErrorMessages = { top: [], fields: {}, code: null };

const NETWORK = "Could not reach the server. Check the connection and try again.";
const THROTTLED = "Too many attempts in a short time. Wait a minute, then try again.";
const SERVER = "Something went wrong on the server. Try again; if it keeps happening, tell your IT technician.";
const UNKNOWN = "Something went wrong. Try again.";

function flatten(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(flatten);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(flatten);
  return [];
}

function humanise(field: string): string {
  const words = field.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function fallback(status: number): string {
  if (status === 0) return NETWORK;
  if (status === 429) return THROTTLED;
  if (status >= 500) return SERVER;
  return UNKNOWN;
}

export function errorMessages(error: unknown, formFields: readonly string[] = []): ErrorMessages {
  if (error === null || error === undefined) return NO_ERRORS;
  if (!(error instanceof ApiError)) return { top: [UNKNOWN], fields: {}, code: null };

  const body = error.body;
  const known = new Set(formFields);
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return { top: [fallback(error.status)], fields: {}, code: null };
  }
  const record = body as Record<string, unknown>;

  // A domain error names at most one field; its message is also repeated under that key.
  if (typeof record.detail === "string" && typeof record.code === "string") {
    const field = typeof record.field === "string" ? record.field : null;
    if (field && known.has(field)) {
      return { top: [], fields: { [field]: [record.detail] }, code: record.code };
    }
    return { top: [record.detail], fields: {}, code: record.code };
  }

  // DRF validation errors (or a bare {"detail": ...}).
  const result: ErrorMessages = { top: [], fields: {}, code: null };
  for (const [key, value] of Object.entries(record)) {
    const messages = flatten(value);
    if (messages.length === 0) continue;
    if (known.has(key)) {
      result.fields[key] = messages;
    } else if (key === "detail" || key === "non_field_errors") {
      result.top.push(...messages);
    } else {
      result.top.push(...messages.map((message) => `${humanise(key)}: ${message}`));
    }
  }
  if (result.top.length === 0 && Object.keys(result.fields).length === 0) {
    result.top.push(fallback(error.status));
  }
  return result;
}

/** True when the API says the session is gone (403/401 without a domain error code). */
export function isSignedOutError(error: unknown): boolean {
  if (!(error instanceof ApiError) || (error.status !== 401 && error.status !== 403)) return false;
  const body = error.body;
  return !(body !== null && typeof body === "object" && "code" in body);
}
