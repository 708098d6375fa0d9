import { useId, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { FilterPanel, FilterSelect } from "../../../components/FilterPanel";
import { Icon } from "../../../components/Icon";
import { ListHeader } from "../../../components/ListHeader";
import { Page } from "../../../components/Page";
import { Pagination } from "../../../components/Pagination";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import { labelGroups, useBulk, useComments, type BulkAction, type CommentQuery, type CommentRow } from "../api/comments";
import { MentionsPanel } from "./MentionsPanel";
import { BULK_WORDS, CHANNEL_WORDS, LABEL_WORDS, REVIEW_WORDS, words } from "./words";

const VIEWS: Record<string, { label: string; query: CommentQuery }> = {
  open: { label: "Awaiting a decision", query: { queue: "open" } },
  escalated: { label: "Escalated to the DSL", query: { escalated: true } },
  mine: { label: "Assigned to me", query: { assigned: "me", queue: "open" } },
  kept: { label: "Kept hidden", query: { queue: "kept_hidden" } },
  deleted: { label: "Deleted", query: { queue: "deleted" } },
  all: { label: "All comments", query: {} },
};

function excerpt(text: string | undefined): string {
  const clean = (text ?? "").trim().replace(/\s+/g, " ");
  return clean.length > 140 ? `${clean.slice(0, 140)}…` : clean;
}

/**
 * Held and escalated comments, with bulk decisions. Escalated ones first (server order).
 * Escalated comments are for the DSL and the head teacher only (R13): anyone else is offered
 * no escalated view and no escalated row, whatever the address says (the server answers 404
 * for them anyway). The list comes first, so a phone shows comments on its first screen; the
 * filters are folded away and the bulk actions follow the list.
 */
export function CommentsPage({ userId, seesEscalations }: { userId: number; seesEscalations: boolean }) {
  const [params, setParams] = useSearchParams();
  const views = seesEscalations ? VIEWS : Object.fromEntries(Object.entries(VIEWS).filter(([key]) => key !== "escalated"));
  const view = views[params.get("view") ?? "open"] ? (params.get("view") ?? "open") : "open";
  const channel = params.get("channel") ?? "";
  const page = Math.max(1, Number(params.get("page") ?? "1") || 1);
  const query: CommentQuery = { ...(VIEWS[view]?.query ?? {}), ...(channel ? { channel } : {}) };
  const comments = useComments(query, page);
  const [selected, setSelected] = useState<number[]>([]);

  function set(name: string, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    if (name !== "page") next.delete("page");
    setParams(next, { replace: name !== "page" });
    setSelected([]);
  }

  const rows = (comments.data?.results ?? []).filter((row) => seesEscalations || !row.escalated);

  return (
    <Page title="Comments">
      <ListHeader query={comments} noun={["comment", "comments"]} showing={VIEWS[view]?.label ?? ""} />
      <FilterPanel active={view !== "open" || Boolean(channel)}>
        <FilterSelect
          label="Show"
          value={view}
          options={Object.entries(views).map(([key, option]) => [key, option.label])}
          onChange={(value) => set("view", value === "open" ? "" : value)}
        />
        <FilterSelect label="Channel" value={channel} any="Any channel" options={Object.entries(CHANNEL_WORDS)} onChange={(value) => set("channel", value)} />
      </FilterPanel>

      {rows.length > 0 ? (
        <ul className="card-list" aria-label="Comments">
          {rows.map((row) => (
            <CommentCard
              key={row.id}
              row={row}
              chosen={selected.includes(row.id)}
              onChoose={(chosen) => setSelected(chosen ? [...selected, row.id] : selected.filter((x) => x !== row.id))}
            />
          ))}
        </ul>
      ) : comments.data ? (
        <p className="notice notice--ok">
          <Icon name="check" /> Nothing here.
        </p>
      ) : null}
      {comments.data ? <Pagination page={comments.data} current={page} onChange={(n) => set("page", String(n))} label="Pages of comments" /> : null}
      {comments.data ? <BulkForm rows={rows} selected={selected} setSelected={setSelected} userId={userId} /> : null}

      <p className="hint">
        Comments on the school&apos;s posts that the screening held, and every comment on the school website (none shows there until
        someone approves it here).
      </p>
      <p>
        <Link to="/comments/settings">Screening settings and preview</Link>
      </p>
      <MentionsPanel />
    </Page>
  );
}

function CommentCard({ row, chosen, onChoose }: { row: CommentRow; chosen: boolean; onChoose: (chosen: boolean) => void }) {
  return (
    <li className={`card comment-card${row.escalated ? " comment-card--escalated" : ""}`}>
      <label className="checkbox comment-card__pick">
        <input type="checkbox" checked={chosen} onChange={(event) => onChoose(event.target.checked)} />
        <span className="visually-hidden">Choose comment by {row.author_name || "unknown author"}</span>
      </label>
      <div className="card-main">
        <p className="post-card__meta">
          {row.escalated ? (
            <span className="status status--danger">
              <Icon name="alert" /> Escalated
            </span>
          ) : null}
          <span className="status status--neutral">{words(REVIEW_WORDS, row.review)}</span>
          {labelGroups(row.labels).map((group) => (
            <span key={group.label} className="tag-label">
              {words(LABEL_WORDS, group.label)}
            </span>
          ))}
        </p>
        <p className="comment-card__text">
          <Link to={`/comments/${row.id}`}>{excerpt(row.text) || "(no text)"}</Link>
        </p>
        <p className="hint">
          {row.author_name || "Unknown author"} on {words(CHANNEL_WORDS, row.channel)} · {formatDateTime(row.platform_created_at ?? row.created_at)}
          {row.assigned_to_name ? ` · assigned to ${row.assigned_to_name}` : ""}
        </p>
      </div>
    </li>
  );
}

/** One decision on the chosen comments; each comment's outcome is reported. */
function BulkForm({ rows, selected, setSelected, userId }: { rows: CommentRow[]; selected: number[]; setSelected: (ids: number[]) => void; userId: number }) {
  const id = useId();
  const bulk = useBulk();
  const [action, setAction] = useState<BulkAction>("keep_hidden");
  const [note, setNote] = useState("");
  const [none, setNone] = useState(false);
  const allOnPage = rows.length > 0 && rows.every((row) => selected.includes(row.id));
  const failed = (bulk.data ?? []).filter((result) => !result.ok);
  const done = (bulk.data ?? []).filter((result) => result.ok).length;

  function applyBulk(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (selected.length === 0) {
      setNone(true);
      return;
    }
    setNone(false);
    bulk.mutate(
      { ids: selected, action, note: note.trim(), ...(action === "assign" ? { assignee: userId } : {}) },
      { onSuccess: () => { setSelected([]); setNote(""); } },
    );
  }

  const outcome = bulk.data ? (
    <div className={failed.length ? "warning" : "notice notice--ok"} role="status">
      <p>
        {done} done.{failed.length ? ` ${failed.length} not done:` : ""}
      </p>
      {failed.length ? (
        <ul>
          {failed.map((result) => (
            <li key={result.comment_id}>
              Comment {result.comment_id}: {result.detail}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  ) : null;
  // Once the decided comments leave the list, the outcome stays to be read.
  if (rows.length === 0) return outcome;
  return (
    <form className="panel bulk" onSubmit={applyBulk} noValidate aria-label="Act on the chosen comments">
      {outcome}
      <ErrorSummary messages={errorMessages(bulk.error, []).top} />
      <label className="checkbox">
        <input type="checkbox" checked={allOnPage} onChange={(event) => setSelected(event.target.checked ? rows.map((row) => row.id) : [])} />
        <span>Choose every comment on this page</span>
      </label>
      <div className="bulk__controls">
        <div className="field">
          <label htmlFor={`${id}-action`}>With the {selected.length} chosen</label>
          <select id={`${id}-action`} value={action} onChange={(event) => setAction(event.target.value as BulkAction)}>
            {Object.entries(BULK_WORDS).map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-note`}>Note (optional)</label>
          <input id={`${id}-note`} type="text" value={note} maxLength={5000} onChange={(event) => setNote(event.target.value)} />
        </div>
      </div>
      {none ? <p className="field-error">Choose at least one comment first.</p> : null}
      <button type="submit" className="button button--primary" disabled={bulk.isPending}>
        {bulk.isPending ? "Working…" : "Apply"}
      </button>
      <p className="hint">Evidence is captured automatically before anything is hidden or deleted.</p>
    </form>
  );
}
