/**
 * DRF's page of results ({count, next, previous, results}).
 *
 * SCHEMA-GAP (docs/architecture.md, "Front end"): the list views that paginate by hand
 * (/api/schools/{id}/people, .../people/status, .../imports, /api/comments) are described
 * in openapi.yaml as plain arrays without the `page` parameter, so the generated types say
 * `T[]`. `asPage` accepts either shape and keeps the item type from the generated schema; it
 * stays correct once the schema describes the page.
 */
export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export const PAGE_SIZE_HINT = 25;

export function asPage<T>(data: T[]): Page<T> {
  // The generated type says T[]; the server sends a page. Check which arrived.
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
