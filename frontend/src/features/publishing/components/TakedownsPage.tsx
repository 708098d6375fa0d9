import { Link } from "react-router";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Icon } from "../../../components/Icon";
import { Loading } from "../../../components/Loading";
import { Page } from "../../../components/Page";
import { StatusBadge } from "../../../components/StatusBadge";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import { channelLabel, imageSrc, postTitle, type PostDetail } from "../../../lib/post";
import { takedownChannels, useTakedownPosts, useTakedowns, type Takedown } from "../api/publishing";
import { channelProgress, takedownWords } from "./words";

const GROUPS: Array<{ state: Takedown["state"]; title: string; empty: string }> = [
  { state: "awaiting_confirmation", title: "Must come down: waiting for you to confirm", empty: "Nothing is waiting for a confirmation." },
  { state: "confirmed", title: "Coming down now", empty: "Nothing is being taken down right now." },
  { state: "done", title: "Taken down", empty: "No takedowns yet." },
];

/** Leaders: every post that must come down, why, and how far each channel has got. */
export function TakedownsPage() {
  const takedowns = useTakedowns({}, { poll: 15_000 });
  const list = takedowns.data ?? [];
  const posts = useTakedownPosts([...new Set(list.map((t) => t.post))]);
  const postById = new Map<number, PostDetail>();
  for (const query of posts) if (query.data) postById.set(query.data.id, query.data);
  const waiting = list.filter((t) => t.state === "awaiting_confirmation").length;

  return (
    <Page title="Takedowns">
      <p>
        A post comes down when consent is withdrawn or ends, when a pupil leaves, or when a leader asks. The school website hides it at
        once; a leader then confirms deleting it from the other channels.
      </p>
      {takedowns.isPending ? <Loading /> : null}
      {takedowns.isError ? <ErrorSummary messages={errorMessages(takedowns.error).top} /> : null}
      {takedowns.data ? (
        <p role="status" className="result-count">
          {waiting === 0 ? "Nothing is waiting for you." : `${waiting} post${waiting === 1 ? "" : "s"} waiting for you to confirm.`}
        </p>
      ) : null}
      {takedowns.data
        ? GROUPS.map((group) => {
            const items = list.filter((t) => t.state === group.state);
            const body =
              items.length === 0 ? (
                <p className="hint">{group.empty}</p>
              ) : (
                <ul className="card-list" aria-label={group.title}>
                  {items.map((takedown) => (
                    <TakedownCard key={takedown.id} takedown={takedown} post={postById.get(takedown.post)} />
                  ))}
                </ul>
              );
            return group.state === "done" ? (
              <details key={group.state} className="panel history">
                <summary>
                  {group.title} ({items.length})
                </summary>
                {body}
              </details>
            ) : (
              <section key={group.state} className="panel" aria-labelledby={`takedowns-${group.state}`}>
                <h2 id={`takedowns-${group.state}`}>
                  {group.title} ({items.length})
                </h2>
                {body}
              </section>
            );
          })
        : null}
    </Page>
  );
}

function TakedownCard({ takedown, post }: { takedown: Takedown; post: PostDetail | undefined }) {
  const words = takedownWords(takedown.state);
  const channels = takedownChannels(takedown);
  const title = post ? postTitle(post, 140) : `Post ${takedown.post}`;
  return (
    <li className={`card takedown-card takedown-card--${takedown.state ?? "unknown"}`}>
      {post && post.images[0] ? (
        <img className="takedown-card__thumb" src={imageSrc(post.images[0], "thumb", post)} alt="" width={72} height={72} />
      ) : null}
      <div className="card-main">
        <h3 className="post-card__title">
          <Link to={`/takedowns/${takedown.id}`}>{title}</Link>
        </h3>
        <p className="post-card__meta">
          <StatusBadge label={words.label} tone={words.tone} icon={words.icon} prefix="Takedown:" />
        </p>
        <p className="takedown-card__reason">
          <strong>Why:</strong> {takedown.reason}
        </p>
        <p className="hint">
          Requested by: {takedown.requested_by_name}
          {takedown.requested_at ? `, ${formatDateTime(takedown.requested_at)}` : ""}
          {takedown.confirmed_by_name ? ` · confirmed by ${takedown.confirmed_by_name}` : ""}
        </p>
        {channels.length > 0 ? (
          <ul className="consent-chips" aria-label="Channels">
            {channels.map((channel) => {
              const progress = channelProgress(channel, takedown.state);
              return (
                <li key={channel.id} className={`chip chip--${progress.tone}`}>
                  <Icon name={progress.icon} />
                  {channelLabel(channel.channel)}: {progress.label.toLowerCase()}
                </li>
              );
            })}
          </ul>
        ) : null}
        {takedown.state === "awaiting_confirmation" ? (
          <p>
            <Link className="button button--primary" to={`/takedowns/${takedown.id}`}>
              Review and confirm
            </Link>
          </p>
        ) : null}
      </div>
    </li>
  );
}
