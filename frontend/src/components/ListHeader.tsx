import type { ReactNode } from "react";
import { errorMessages } from "../lib/errors";
import { ErrorSummary } from "./ErrorSummary";
import { Loading } from "./Loading";

/** What a list page's query looks like to its header (a TanStack Query result of a DRF page). */
export interface ListQuery {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data?: { count: number } | undefined;
}

/**
 * The line above a list: how many there are of what is shown (announced politely as it
 * changes), or that it is loading, or what went wrong. Shared by the comment dashboard and
 * the approval queue so both read the same way.
 */
export function ListHeader({ query, noun, showing, after }: { query: ListQuery; noun: [singular: string, plural: string]; showing: string; after?: ReactNode }) {
  const count = query.data?.count ?? 0;
  return (
    <>
      <p role="status" className="result-count">
        {query.isPending ? "Loading…" : `${count} ${count === 1 ? noun[0] : noun[1]}: ${showing.toLowerCase()}.`}
        {!query.isPending && after ? <> {after}</> : null}
      </p>
      {query.isError ? <ErrorSummary messages={errorMessages(query.error).top} /> : null}
      {query.isPending ? <Loading /> : null}
    </>
  );
}
