/**
 * A stand-in for the Django API at the fetch boundary: tests say what each
 * "METHOD /path" answers and read back what the app sent.
 */
import { vi } from "vitest";

export interface SentRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

type Answer = { status: number; body?: unknown } | Response;
type Handler = (request: SentRequest) => Answer | Promise<Answer>;

export function fakeApi(routes: Record<string, Handler | Answer | Answer[]>) {
  const sent: SentRequest[] = [];
  const queues = new Map<string, Answer[]>();
  for (const [key, value] of Object.entries(routes)) {
    if (Array.isArray(value)) queues.set(key, [...value]);
  }

  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const url = new URL(request.url);
    const multipart = (request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data");
    const text = request.method === "GET" || request.method === "HEAD" || multipart ? "" : await request.text();
    let body: unknown = undefined;
    if (multipart) body = await formFields(request);
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const seen: SentRequest = { method: request.method, path: url.pathname, query: url.searchParams, headers: request.headers, body };
    sent.push(seen);

    const key = `${request.method} ${url.pathname}`;
    let answer: Answer | undefined;
    const queue = queues.get(key);
    if (queue) {
      answer = queue.length > 1 ? queue.shift() : queue[0];
    } else {
      const route = routes[key];
      answer = typeof route === "function" ? await route(seen) : (route as Answer | undefined);
    }
    if (!answer) return json(404, { detail: `No fake for ${key}` });
    return answer instanceof Response ? answer : json(answer.status, answer.body);
  });

  vi.stubGlobal("fetch", fetchMock);
  return { sent, fetchMock, find: (method: string, path: string) => sent.filter((r) => r.method === method && r.path === path) };
}

/** A multipart body as {field: value}; files as {name, type, size}; repeated fields as arrays. */
async function formFields(request: Request): Promise<Record<string, unknown>> {
  const form = await request.formData();
  const out: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    const item = typeof value === "string" ? value : { name: value.name, type: value.type, size: value.size };
    const previous = out[key];
    out[key] = previous === undefined ? item : Array.isArray(previous) ? [...previous, item] : [previous, item];
  }
  return out;
}

export function json(status: number, body?: unknown): Response {
  if (status === 204 || body === undefined) return new Response(null, { status });
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

export const SIGNED_OUT = { status: 403, body: { detail: "Authentication credentials were not provided." } };

export function meFor(
  roles: string[],
  extra: Partial<{ two_factor_required: boolean; two_factor_verified: boolean; email: string; full_name: string; head_teacher: boolean }> = {},
) {
  const { head_teacher: headTeacher = false, ...rest } = extra;
  const needs = roles.some((role) => ["leader", "dsl", "consent_admin", "trust_admin"].includes(role));
  return {
    id: 7,
    email: "teacher@oakfield.test",
    full_name: "Sam Teacher",
    memberships: roles.map((role) => ({
      school_id: 1,
      school_slug: "oakfield",
      school_name: "Oakfield Primary",
      role,
      is_head_teacher: headTeacher && role === "leader",
    })),
    two_factor_required: needs,
    two_factor_verified: needs,
    ...rest,
  };
}
