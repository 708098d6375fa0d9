import { useState } from "react";
import { Link, useParams } from "react-router";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Flash } from "../../../components/Flash";
import { Icon } from "../../../components/Icon";
import { Loading } from "../../../components/Loading";
import { Page } from "../../../components/Page";
import { StatusBadge } from "../../../components/StatusBadge";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import { channelLabel, imageSrc, postExcerpt } from "../../../lib/post";
import { takedownChannels, useConfirmTakedown, useTakedown, useTakedownPosts, type Takedown } from "../api/publishing";
import { channelProgress, takedownWords } from "./words";

/** One takedown: what must come down and why, the one confirmation, then progress per channel. */
export function TakedownPage() {
  const { takedownId } = useParams();
  const id = Number(takedownId);
  const takedown = useTakedown(id);
  if (takedown.isPending) return <Loading />;
  if (takedown.isError) {
    return (
      <Page title="Takedown">
        <ErrorSummary messages={errorMessages(takedown.error).top} />
        <Link to="/takedowns">Back to takedowns</Link>
      </Page>
    );
  }
  return <TakedownScreen key={id} takedown={takedown.data} />;
}

function TakedownScreen({ takedown }: { takedown: Takedown }) {
  const [postQuery] = useTakedownPosts([takedown.post]);
  const post = postQuery?.data;
  const confirm = useConfirmTakedown(takedown.id);
  const [flash, setFlash] = useState<{ message: string | null; stamp: number }>({ message: null, stamp: 0 });
  const words = takedownWords(takedown.state);
  const channels = takedownChannels(takedown);
  const stillUp = channels.filter((c) => c.state !== "taken_down");
  const title = post && postExcerpt(post.text, 50) ? `Takedown: ${postExcerpt(post.text, 50)}` : `Takedown of post ${takedown.post}`;

  function confirmIt() {
    confirm.mutate(undefined, {
      onSuccess: () => setFlash((p) => ({ message: "Confirmed. The post is being deleted from every channel; this page shows the progress.", stamp: p.stamp + 1 })),
    });
  }

  return (
    <Page title={title}>
      <p>
        <Link to="/takedowns">Back to takedowns</Link>
      </p>
      <div className={`status-panel status-panel--${words.tone}`} role="status" aria-live="polite">
        <p className="status-panel__line">
          <StatusBadge label={words.label} tone={words.tone} icon={words.icon} prefix="Takedown:" />
        </p>
        <p className="status-panel__explain">{words.explain}</p>
      </div>
      <Flash message={flash.message} stamp={flash.stamp} />

      <section className="panel" aria-labelledby="why-heading">
        <h2 id="why-heading">Why it must come down</h2>
        <p className="lead">{takedown.reason}</p>
        <dl className="facts">
          <dt>Requested by</dt>
          <dd>
            {takedown.requested_by_name}
            {takedown.requested_at ? `, ${formatDateTime(takedown.requested_at)}` : ""}
          </dd>
          {takedown.confirmed_by_name ? (
            <>
              <dt>Confirmed by</dt>
              <dd>
                {takedown.confirmed_by_name}
                {takedown.confirmed_at ? `, ${formatDateTime(takedown.confirmed_at)}` : ""}
              </dd>
            </>
          ) : null}
          {takedown.completed_at ? (
            <>
              <dt>Finished</dt>
              <dd>{formatDateTime(takedown.completed_at)}</dd>
            </>
          ) : null}
        </dl>
      </section>

      {takedown.state === "awaiting_confirmation" ? (
        <section className="panel panel--sensitive" aria-labelledby="confirm-heading">
          <h2 id="confirm-heading">Confirm the takedown</h2>
          <p>
            {stillUp.length > 0 ? (
              <>
                This deletes the post from <strong>{stillUp.map((c) => channelLabel(c.channel)).join(", ")}</strong>. It cannot be undone. We keep
                trying until every channel has removed it, and tell you if a channel needs a person.
              </>
            ) : (
              <>Nothing of this post is left on a channel. Confirming closes the takedown.</>
            )}
          </p>
          <ErrorSummary messages={errorMessages(confirm.error).top} />
          <button type="button" className="button button--danger" disabled={confirm.isPending} onClick={confirmIt}>
            <Icon name="cross" /> {confirm.isPending ? "Confirming…" : "Take it down from every channel"}
          </button>
        </section>
      ) : null}

      <section className="panel" aria-labelledby="progress-heading">
        <h2 id="progress-heading">Each channel</h2>
        {takedown.state === "confirmed" ? <p className="hint">This page updates by itself.</p> : null}
        {channels.length === 0 ? (
          <p className="hint">It was not sent to any channel.</p>
        ) : (
          <ul className="publication-list" aria-label="Channels">
            {channels.map((channel) => {
              const progress = channelProgress(channel, takedown.state);
              return (
                <li key={channel.id} className={`publication publication--${progress.tone}`}>
                  <div className="publication__head">
                    <h3>{channelLabel(channel.channel)}</h3>
                    <StatusBadge label={progress.label} tone={progress.tone} icon={progress.icon} prefix={`${channelLabel(channel.channel)}:`} />
                  </div>
                  {channel.takenDownAt ? <p className="hint">Taken down {formatDateTime(channel.takenDownAt)}</p> : null}
                  {channel.error ? <p className={channel.state === "taken_down" ? "hint" : "publication__error"}>{channel.error}</p> : null}
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <section className="panel" aria-labelledby="post-heading">
        <h2 id="post-heading">The post</h2>
        {postQuery?.isError ? <ErrorSummary messages={errorMessages(postQuery.error).top} /> : null}
        {post ? (
          <>
            {post.text ? <p className="post-text">{post.text}</p> : <p className="hint">No text.</p>}
            {post.images.length > 0 ? (
              <ul className="thumb-list" aria-label="Photos">
                {post.images.map((image, index) => (
                  <li key={image.id}>
                    <img src={imageSrc(image, "thumb", post)} alt={image.alt_text?.trim() || `Photo ${index + 1}`} width={120} height={120} />
                  </li>
                ))}
              </ul>
            ) : null}
            <p>
              <Link to={`/queue/${post.id}`}>Open the post</Link>
            </p>
          </>
        ) : postQuery?.isPending ? (
          <Loading />
        ) : null}
      </section>
    </Page>
  );
}
