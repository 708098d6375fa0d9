/**
 * DRF's page of results ({count, next, previous, results}).
 *
 * The hand-paginated list views (/api/schools/{id}/people, .../people/status, .../imports,
 * /api/comments, /api/audit) are described in openapi.yaml with this envelope and the `page`
 * parameter (issue 16). `asPage` still accepts a bare array (a test fake may send one) and
 * keeps the item type from the generated schema.
 */
export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export const PAGE_SIZE_HINT = 25;

/** The page as the generated schema types it (`next`/`previous` may be absent). */
export interface PageBody<T> {
  count: number;
  next?: string | null;
  previous?: string | null;
  results: T[];
}

export function asPage<T>(data: PageBody<T> | T[]): Page<T> {
  const raw: unknown = data;
  if (Array.isArray(raw)) return { count: raw.length, next: null, previous: null, results: raw as T[] };
  if (raw !== null && typeof raw === "object" && Array.isArray((raw as { results?: unknown }).results)) {
    const page = raw as { count?: unknown; next?: unknown; previous?: unknown; results: T[] };
    return {
      count: typeof page.count === "number" ? page.count : page.results.length,
      next: typeof page.next === "string" ? page.next : null,
      previous: typeof page.previous === "string" ? page.previous : null,
      results: page.results,
    };
  }
  return { count: 0, next: null, previous: null, results: [] };
}
