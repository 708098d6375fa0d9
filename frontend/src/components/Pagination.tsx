import { PAGE_SIZE_HINT, type Page } from "../lib/pages";

/** Previous / next for a DRF page, with "Page 2 of 5". */
export function Pagination({ page, current, onChange, label }: { page: Page<unknown>; current: number; onChange: (page: number) => void; label: string }) {
  const pages = Math.max(1, Math.ceil(page.count / PAGE_SIZE_HINT));
  if (!page.next && !page.previous) return null;
  return (
    <nav className="pagination" aria-label={label}>
      <button type="button" className="button button--secondary" disabled={!page.previous} onClick={() => onChange(current - 1)}>
        Previous page
      </button>
      <span>
        Page {current} of {pages}
      </span>
      <button type="button" className="button button--secondary" disabled={!page.next} onClick={() => onChange(current + 1)}>
        Next page
      </button>
    </nav>
  );
}
