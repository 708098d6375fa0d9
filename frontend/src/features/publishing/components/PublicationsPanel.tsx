import { useId, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Flash } from "../../../components/Flash";
import { Loading } from "../../../components/Loading";
import { StatusBadge } from "../../../components/StatusBadge";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import { channelLabel } from "../../../lib/post";
import { useMarkPosted, usePostAgain, usePublications, useRequestTakedown, useTakedowns, type Publication } from "../api/publishing";
import { publicationWords, takedownWords } from "./words";

/** A leader may ask for these to come down (moderation/takedowns.py MAY_BE_TAKEN_DOWN). */
const TAKEDOWN_STATUSES: readonly string[] = ["publishing", "published", "partially_published", "takedown_requested"];

export interface PublishedPost {
  id: number;
  school: number;
  status?: string | undefined;
}

/**
 * Where the post stands on each channel: published (with its link), on its way, failed or
 * unknown (with what went wrong, in words). Leaders of the post's school also get the way
 * out of each problem and the takedown request.
 */
export function PublicationsPanel({ post, canAct, onPostChanged }: { post: PublishedPost; canAct: boolean; onPostChanged: () => void }) {
  const publications = usePublications(post.id);
  const takedowns = useTakedowns({ school: post.school }, { poll: false, enabled: canAct });
  const takedown = canAct ? takedowns.data?.find((t) => t.post === post.id) : undefined;
  const [flash, setFlash] = useState<{ message: string | null; stamp: number }>({ message: null, stamp: 0 });
  const done = (message: string) => setFlash((previous) => ({ message, stamp: previous.stamp + 1 }));

  return (
    <section className="panel" aria-labelledby="publications-heading">
      <h2 id="publications-heading">Where it is published</h2>
      <Flash message={flash.message} stamp={flash.stamp} />
      {publications.isPending ? <Loading /> : null}
      {publications.isError ? <ErrorSummary messages={errorMessages(publications.error).top} /> : null}
      {publications.data && publications.data.length === 0 ? <p className="hint">Nothing has been sent to a channel yet.</p> : null}
      {publications.data && publications.data.length > 0 ? (
        <ul className="publication-list" aria-label="Channels">
          {publications.data.map((publication) => (
            <PublicationItem key={publication.id} postId={post.id} publication={publication} canAct={canAct} onPostChanged={onPostChanged} onDone={done} />
          ))}
        </ul>
      ) : null}

      {takedown ? (
        <div className="notice notice--warn">
          <p>
            <strong>Takedown: {takedownWords(takedown.state).label.toLowerCase()}.</strong> {takedown.reason}
          </p>
          <p>
            <Link to={`/takedowns/${takedown.id}`}>{takedown.state === "awaiting_confirmation" ? "Open the takedown to confirm it" : "See the takedown's progress"}</Link>
          </p>
        </div>
      ) : canAct && TAKEDOWN_STATUSES.includes(post.status ?? "") && takedowns.isSuccess ? (
        <TakedownRequest postId={post.id} onPostChanged={onPostChanged} onDone={done} />
      ) : null}
    </section>
  );
}

function PublicationItem({
  postId,
  publication,
  canAct,
  onPostChanged,
  onDone,
}: {
  postId: number;
  publication: Publication;
  canAct: boolean;
  onPostChanged: () => void;
  onDone: (message: string) => void;
}) {
  const id = useId();
  const words = publicationWords(publication.state);
  const channel = channelLabel(publication.channel);
  const markPosted = useMarkPosted(postId, onPostChanged);
  const postAgain = usePostAgain(postId, onPostChanged);
  const [open, setOpen] = useState<"mark" | "again" | null>(null);
  const [url, setUrl] = useState("");
  const [urlProblem, setUrlProblem] = useState<string | null>(null);
  const markErrors = errorMessages(markPosted.error, ["url"]);
  const againErrors = errorMessages(postAgain.error);
  const unconfirmed = publication.state === "unconfirmed";
  const failed = publication.state === "failed";

  function submitUrl(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = url.trim();
    if (!/^https?:\/\/\S+$/i.test(value)) {
      setUrlProblem(`Paste the link to the post on ${channel}. It starts with https://`);
      return;
    }
    setUrlProblem(null);
    markPosted.mutate(
      { publicationId: publication.id, url: value },
      {
        onSuccess: () => {
          setOpen(null);
          setUrl("");
          onDone(`Recorded as published on ${channel}.`);
        },
      },
    );
  }

  function again() {
    postAgain.mutate(publication.id, {
      onSuccess: () => {
        setOpen(null);
        onDone(`Posting again on ${channel}.`);
      },
    });
  }

  const urlErrors = [...(urlProblem ? [urlProblem] : []), ...(markErrors.fields.url ?? [])];
  return (
    <li className={`publication publication--${words.tone}`}>
      <div className="publication__head">
        <h3>{channel}</h3>
        <StatusBadge label={words.label} tone={words.tone} icon={words.icon} prefix={`${channel}:`} />
      </div>
      {publication.url ? (
        <p>
          <a href={publication.url} target="_blank" rel="noopener noreferrer">
            Open the post on {channel}
            <span className="visually-hidden"> (opens in a new tab)</span>
          </a>
        </p>
      ) : null}
      {publication.published_at ? (
        <p className="hint">
          Published {formatDateTime(publication.published_at)}
          {publication.resolved_by_name ? ` · recorded by ${publication.resolved_by_name}` : ""}
        </p>
      ) : null}
      {publication.taken_down_at ? <p className="hint">Taken down {formatDateTime(publication.taken_down_at)}</p> : null}
      {publication.error ? <p className={failed || unconfirmed ? "publication__error" : "hint"}>{publication.error}</p> : null}
      {publication.state === "queued" && publication.next_attempt_at ? (
        <p className="hint">
          Next try {formatDateTime(publication.next_attempt_at)}
          {publication.attempts ? ` (tried ${publication.attempts} time${publication.attempts === 1 ? "" : "s"} so far)` : ""}.
        </p>
      ) : null}

      {canAct && (unconfirmed || failed) ? (
        <>
          <ErrorSummary messages={[...markErrors.top, ...againErrors.top]} />
          {open === null ? (
            <div className="actions" role="group" aria-label={`What to do about ${channel}`}>
              {unconfirmed ? (
                <button type="button" className="button button--primary" onClick={() => setOpen("mark")}>
                  Mark as posted
                </button>
              ) : null}
              {unconfirmed ? (
                <button type="button" className="button button--secondary" onClick={() => setOpen("again")}>
                  Post again
                </button>
              ) : (
                <button type="button" className="button button--primary" disabled={postAgain.isPending} onClick={again}>
                  {postAgain.isPending ? "Sending…" : `Post again on ${channel}`}
                </button>
              )}
            </div>
          ) : null}
          {open === "mark" ? (
            <form className="form inline-form" onSubmit={submitUrl} noValidate>
              <div className={`field${urlErrors.length ? " field--error" : ""}`}>
                <label htmlFor={`${id}-url`}>Link to the post on {channel}</label>
                <p className="hint" id={`${id}-url-hint`}>
                  Find the post on the school&apos;s {channel} account and copy its address.
                </p>
                {urlErrors.length ? (
                  <p className="field-error" id={`${id}-url-error`}>
                    {urlErrors.map((message) => (
                      <span key={message}>{message}</span>
                    ))}
                  </p>
                ) : null}
                <input
                  id={`${id}-url`}
                  type="url"
                  inputMode="url"
                  autoComplete="off"
                  value={url}
                  maxLength={500}
                  aria-invalid={urlErrors.length ? true : undefined}
                  aria-describedby={[`${id}-url-hint`, urlErrors.length ? `${id}-url-error` : ""].filter(Boolean).join(" ")}
                  onChange={(event) => setUrl(event.target.value)}
                />
              </div>
              <div className="actions">
                <button type="submit" className="button button--primary" disabled={markPosted.isPending}>
                  {markPosted.isPending ? "Saving…" : "Record as published"}
                </button>
                <button type="button" className="button button--secondary" onClick={() => setOpen(null)}>
                  Cancel
                </button>
              </div>
            </form>
          ) : null}
          {open === "again" ? (
            <div className="confirm" role="group" aria-label={`Post again on ${channel}`}>
              <p>
                <strong>Only if you have looked and it is not on {channel}.</strong> If it is there, posting again would publish it twice: use
                &ldquo;Mark as posted&rdquo; instead. Consent is checked again first.
              </p>
              <div className="actions">
                <button type="button" className="button button--primary" disabled={postAgain.isPending} onClick={again}>
                  {postAgain.isPending ? "Sending…" : `It is not there: post again on ${channel}`}
                </button>
                <button type="button" className="button button--secondary" onClick={() => setOpen(null)}>
                  Cancel
                </button>
              </div>
            </div>
          ) : null}
        </>
      ) : null}
    </li>
  );
}

function TakedownRequest({ postId, onPostChanged, onDone }: { postId: number; onPostChanged: () => void; onDone: (message: string) => void }) {
  const id = useId();
  const request = useRequestTakedown(postId, onPostChanged);
  const [reason, setReason] = useState("");
  const [blank, setBlank] = useState(false);
  const errors = errorMessages(request.error, ["reason"]);
  const reasonErrors = [...(blank ? ["Say why the post must come down."] : []), ...(errors.fields.reason ?? [])];

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!reason.trim()) {
      setBlank(true);
      return;
    }
    setBlank(false);
    request.mutate(reason.trim(), {
      onSuccess: () => {
        setReason("");
        onDone("Takedown requested. The website news item is hidden now; confirm the takedown to delete it from the other channels.");
      },
    });
  }

  return (
    <details className="takedown-request">
      <summary>Take this post down</summary>
      <form className="form" onSubmit={submit} noValidate>
        <p>
          The news item on the school website is hidden at once and nothing more is published. Deleting it from X, Facebook or Instagram
          happens when a leader confirms the takedown.
        </p>
        <ErrorSummary messages={errors.top} />
        <div className={`field${reasonErrors.length ? " field--error" : ""}`}>
          <label htmlFor={`${id}-reason`}>Why must it come down?</label>
          {reasonErrors.length ? (
            <p className="field-error" id={`${id}-reason-error`}>
              {reasonErrors.map((message) => (
                <span key={message}>{message}</span>
              ))}
            </p>
          ) : null}
          <textarea
            id={`${id}-reason`}
            rows={3}
            maxLength={1000}
            value={reason}
            aria-invalid={reasonErrors.length ? true : undefined}
            aria-describedby={reasonErrors.length ? `${id}-reason-error` : undefined}
            onChange={(event) => setReason(event.target.value)}
          />
        </div>
        <button type="submit" className="button button--danger" disabled={request.isPending}>
          {request.isPending ? "Asking…" : "Ask for this post to come down"}
        </button>
      </form>
    </details>
  );
}
