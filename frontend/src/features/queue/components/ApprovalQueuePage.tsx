import { useId } from "react";
import { useSearchParams } from "react-router";
import { FilterPanel, FilterSelect } from "../../../components/FilterPanel";
import { Icon } from "../../../components/Icon";
import { ListHeader } from "../../../components/ListHeader";
import { Page } from "../../../components/Page";
import { Pagination } from "../../../components/Pagination";
import { PostCard } from "../../../components/PostCard";
import { formatDateTime } from "../../../lib/format";
import { CHANNEL_LABELS, CHANNELS, isChannel, type PostStatus } from "../../../lib/post";
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

  return (
    <Page title="Approval queue">
      <FilterPanel active={view !== "waiting" || Boolean(channel || pupils || from || to || school)}>
        <FilterSelect
          label="Show"
          value={view}
          options={Object.entries(VIEWS).map(([key, option]) => [key, option.label])}
          onChange={(value) => set("view", value === "waiting" ? "" : value)}
        />
        <FilterSelect label="Channel" value={channel} any="Any channel" options={CHANNELS.map((c) => [c, CHANNEL_LABELS[c]])} onChange={(value) => set("channel", value)} />
        <FilterSelect
          label="Identifiable pupils"
          value={pupils}
          any="Either"
          options={[
            ["yes", "Shows identifiable pupils"],
            ["no", "No identifiable pupils"],
          ]}
          onChange={(value) => set("pupils", value)}
        />
        {schools.length > 1 ? (
          <FilterSelect label="School" value={school} any="All your schools" options={schools.map((s) => [String(s.id), s.name])} onChange={(value) => set("school", value)} />
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-from`}>Scheduled from</label>
          <input id={`${id}-from`} type="date" value={from} onChange={(event) => set("from", event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>Scheduled until</label>
          <input id={`${id}-to`} type="date" value={to} onChange={(event) => set("to", event.target.value)} />
        </div>
      </FilterPanel>

      <ListHeader query={posts} noun={["post", "posts"]} showing={VIEWS[view]?.label ?? ""} after="Most urgent first." />
      {posts.data && posts.data.results.length > 0 ? (
        <>
          <ul className="card-list" aria-label="Posts">
            {posts.data.results.map((post) => (
              <PostCard
                key={post.id}
                post={post}
                to={`/queue/${post.id}`}
                titleLength={110}
                badges={
                  <>
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
                  </>
                }
              >
                <p className="hint">
                  By {post.author_name}
                  {post.submitted_at ? ` · sent ${formatDateTime(post.submitted_at)}` : ""}
                </p>
                <p className="hint">
                  {post.scheduled_at ? <strong>Publish at {formatDateTime(post.scheduled_at)}</strong> : "No publishing time: as soon as approved"}
                </p>
              </PostCard>
            ))}
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
