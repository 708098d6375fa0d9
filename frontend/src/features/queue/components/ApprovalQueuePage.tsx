import { useId } from "react";
import { Link, useSearchParams } from "react-router";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Icon } from "../../../components/Icon";
import { Loading } from "../../../components/Loading";
import { Page } from "../../../components/Page";
import { Pagination } from "../../../components/Pagination";
import { StatusBadge } from "../../../components/StatusBadge";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import { CHANNEL_LABELS, CHANNELS, isChannel, postChannels, postTitle, statusMeta, type PostStatus } from "../../../lib/post";
import { useQueue, type QueueQuery } from "../api/queue";
import type { SchoolRef } from "./types";

/** Still waiting to go out after its time (beat releases due posts every minute): a sign
 * that background work has stopped or publishing is stuck (issue 13). */
const WAITING_TO_GO_OUT: PostStatus[] = ["approved", "scheduled", "publishing"];
const OVERDUE_AFTER_MS = 3 * 60_000;

function isOverdue(post: { status?: PostStatus; scheduled_at?: string | null }, now = Date.now()): boolean {
  if (!post.scheduled_at || !post.status || !WAITING_TO_GO_OUT.includes(post.status)) return false;
  const due = new Date(post.scheduled_at).getTime();
  return !Number.isNaN(due) && now - due > OVERDUE_AFTER_MS;
}

const VIEWS: Record<string, { label: string; statuses: PostStatus[] }> = {
  waiting: { label: "Waiting for approval", statuses: ["awaiting_approval"] },
  fixing: { label: "With the author to fix", statuses: ["blocked", "needs_tagging", "changes_requested"] },
  checking: { label: "Being checked", statuses: ["submitted", "checking"] },
  approved: { label: "Approved or scheduled", statuses: ["approved", "scheduled"] },
  problems: { label: "Publishing problems", statuses: ["partially_published", "failed"] },
  published: { label: "Published or publishing", statuses: ["publishing", "published", "partially_published", "failed", "takedown_requested"] },
  taken_down: { label: "Taken down", statuses: ["takedown_requested", "taken_down"] },
  all: { label: "All posts", statuses: [] },
};

function dayStart(value: string): string | undefined {
  return value ? new Date(`${value}T00:00:00`).toISOString() : undefined;
}
function dayEnd(value: string): string | undefined {
  return value ? new Date(`${value}T23:59:59`).toISOString() : undefined;
}

/** Phone-first list of posts for leaders: filters in the address, most urgent first. */
export function ApprovalQueuePage({ schools }: { schools: SchoolRef[] }) {
  const id = useId();
  const [params, setParams] = useSearchParams();
  const view = VIEWS[params.get("view") ?? "waiting"] ? (params.get("view") ?? "waiting") : "waiting";
  const channel = params.get("channel") ?? "";
  const pupils = params.get("pupils") ?? "";
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const school = params.get("school") ?? "";
  const page = Math.max(1, Number(params.get("page") ?? "1") || 1);

  const query: QueueQuery = {};
  const statuses = VIEWS[view]?.statuses ?? [];
  if (statuses.length) query.status = statuses;
  if (isChannel(channel)) query.channel = channel;
  if (pupils === "yes" || pupils === "no") query.identifiable_pupils = pupils === "yes";
  const fromIso = dayStart(from);
  const toIso = dayEnd(to);
  if (fromIso) query.scheduled_from = fromIso;
  if (toIso) query.scheduled_to = toIso;
  if (school) query.school = Number(school);
  const posts = useQueue(query, page);

  function set(name: string, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    if (name !== "page") next.delete("page");
    setParams(next, { replace: name !== "page" });
  }

  const count = posts.data?.count ?? 0;
  return (
    <Page title="Approval queue">
      <details className="filters panel" open={view !== "waiting" || Boolean(channel || pupils || from || to || school)}>
        <summary>Filters</summary>
        <div className="filters__grid">
          <div className="field">
            <label htmlFor={`${id}-view`}>Show</label>
            <select id={`${id}-view`} value={view} onChange={(event) => set("view", event.target.value === "waiting" ? "" : event.target.value)}>
              {Object.entries(VIEWS).map(([key, option]) => (
                <option key={key} value={key}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-channel`}>Channel</label>
            <select id={`${id}-channel`} value={channel} onChange={(event) => set("channel", event.target.value)}>
              <option value="">Any channel</option>
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {CHANNEL_LABELS[c]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-pupils`}>Identifiable pupils</label>
            <select id={`${id}-pupils`} value={pupils} onChange={(event) => set("pupils", event.target.value)}>
              <option value="">Either</option>
              <option value="yes">Shows identifiable pupils</option>
              <option value="no">No identifiable pupils</option>
            </select>
          </div>
          {schools.length > 1 ? (
            <div className="field">
              <label htmlFor={`${id}-school`}>School</label>
              <select id={`${id}-school`} value={school} onChange={(event) => set("school", event.target.value)}>
                <option value="">All your schools</option>
                {schools.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <div className="field">
            <label htmlFor={`${id}-from`}>Scheduled from</label>
            <input id={`${id}-from`} type="date" value={from} onChange={(event) => set("from", event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-to`}>Scheduled until</label>
            <input id={`${id}-to`} type="date" value={to} onChange={(event) => set("to", event.target.value)} />
          </div>
        </div>
      </details>

      <p role="status" className="result-count">
        {posts.isPending ? "Loading…" : `${count} post${count === 1 ? "" : "s"}: ${VIEWS[view]?.label.toLowerCase()}. Most urgent first.`}
      </p>
      {posts.isError ? <ErrorSummary messages={errorMessages(posts.error).top} /> : null}
      {posts.isPending ? <Loading /> : null}
      {posts.data && posts.data.results.length > 0 ? (
        <>
          <ul className="card-list" aria-label="Posts">
            {posts.data.results.map((post) => {
              const meta = statusMeta(post.status);
              return (
                <li key={post.id} className="card post-card">
                  <div className="card-main">
                    <h2 className="post-card__title">
                      <Link to={`/queue/${post.id}`}>{postTitle(post, 110)}</Link>
                    </h2>
                    <p className="post-card__meta">
                      <StatusBadge label={meta.label} tone={meta.tone} icon={meta.icon} prefix="Status:" />
                      {isOverdue(post) ? (
                        <span className="tag-label tag-label--overdue">
                          <Icon name="clock" /> Due time passed, not published yet
                        </span>
                      ) : null}
                      {post.has_identifiable_pupils ? (
                        <span className="tag-label">
                          <Icon name="alert" /> Identifiable pupils
                        </span>
                      ) : null}
                    </p>
                    <p className="hint">
                      By {post.author_name} · {postChannels(post).map((c) => CHANNEL_LABELS[c]).join(", ")} · {post.image_count} photo
                      {post.image_count === 1 ? "" : "s"}
                    </p>
                    <p className="hint">
                      {post.scheduled_at ? (
                        <strong>Publish at {formatDateTime(post.scheduled_at)}</strong>
                      ) : (
                        "No publishing time: as soon as approved"
                      )}
                      {post.submitted_at ? ` · sent ${formatDateTime(post.submitted_at)}` : ""}
                    </p>
                  </div>
                </li>
              );
            })}
          </ul>
          <Pagination page={posts.data} current={page} onChange={(n) => set("page", String(n))} label="Pages of the queue" />
        </>
      ) : posts.data ? (
        <p className="notice notice--ok">
          <Icon name="check" /> Nothing here.
        </p>
      ) : null}
    </Page>
  );
}
