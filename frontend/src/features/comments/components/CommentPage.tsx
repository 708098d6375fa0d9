import { useId, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Flash } from "../../../components/Flash";
import { Icon } from "../../../components/Icon";
import { Loading } from "../../../components/Loading";
import { Page } from "../../../components/Page";
import { HighlightedText } from "../../../components/post/HighlightedText";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import {
  labelGroups,
  labelSpans,
  useAddCommentNote,
  useAssign,
  useComment,
  useCommentNotes,
  useDecide,
  useReply,
  useReport,
  type CommentDetail,
  type Decision,
} from "../api/comments";
import { ChannelLink } from "./ChannelLink";
import { EvidencePanel } from "./EvidencePanel";
import { ProceduresPanel } from "./ProceduresPanel";
import { ReclassifyForm } from "./ReclassifyForm";
import { ACTION_WORDS, CHANNEL_WORDS, LABEL_WORDS, PLATFORM_STATE_WORDS, REVIEW_WORDS, STATUS_WORDS, words } from "./words";

/** One held or escalated comment: what it says and why it was held, and every decision. */
export function CommentPage({ userId, userName }: { userId: number; userName: string }) {
  const { commentId } = useParams();
  const id = Number(commentId);
  const comment = useComment(id);
  if (comment.isPending) return <Loading />;
  if (comment.isError) {
    return (
      <Page title="Comment">
        <ErrorSummary messages={errorMessages(comment.error).top} />
        <Link to="/comments">Back to comments</Link>
      </Page>
    );
  }
  return <CommentScreen key={id} comment={comment.data} userId={userId} userName={userName} />;
}

type DecisionChoice = { key: Decision; label: string; confirm?: string; tone: string };

const DELETE: DecisionChoice = { key: "delete", label: "Delete", tone: "button--danger-outline", confirm: "Delete this comment on the platform? Evidence is captured first; this cannot be undone." };
const BLOCK: DecisionChoice = { key: "block-author", label: "Block the author", tone: "button--danger-outline", confirm: "Block this author from the school's page? (Only some platforms allow it.)" };

/**
 * The decisions offered, the primary one first. On an escalated comment (a threat, hate, an
 * allegation) keeping it hidden is the safe default, and showing it asks first, naming what
 * it was escalated for.
 */
function decisionsFor(comment: CommentDetail): DecisionChoice[] {
  if (!comment.escalated) {
    return [{ key: "approve", label: "Approve (show it)", tone: "button--primary" }, { key: "keep-hidden", label: "Keep hidden", tone: "button--secondary" }, DELETE, BLOCK];
  }
  const why = labelGroups(comment.labels).map((group) => words(LABEL_WORDS, group.label).toLowerCase());
  const risk = why.length ? `It was escalated to the DSL as: ${why.join(", ")}.` : "It was escalated to the DSL.";
  return [
    { key: "keep-hidden", label: "Keep hidden", tone: "button--primary" },
    {
      key: "approve",
      label: "Show it publicly",
      tone: "button--danger-outline",
      confirm: `Show this comment to everyone who can see the post? ${risk} Pupils, parents and the person it is about may read it.`,
    },
    DELETE,
    BLOCK,
  ];
}

function CommentScreen({ comment, userId, userName }: { comment: CommentDetail; userId: number; userName: string }) {
  const id = useId();
  const [flash, setFlash] = useState<{ message: string | null; stamp: number }>({ message: null, stamp: 0 });
  const done = (message: string) => setFlash((p) => ({ message, stamp: p.stamp + 1 }));
  const decide = useDecide(comment.id);
  const assign = useAssign(comment.id);
  const [note, setNote] = useState("");
  const [confirming, setConfirming] = useState<Decision | null>(null);
  const labels = comment.labels;
  const media = comment.media_urls;
  const earlier = comment.previous_texts.map((previous) => previous.text);
  const open = comment.review === "open";
  const deleted = comment.status === "deleted";
  const decisions = decisionsFor(comment);

  function run(decision: Decision) {
    setConfirming(null);
    decide.mutate(
      { decision, note: note.trim() },
      { onSuccess: (updated) => { setNote(""); done(`Done: ${words(REVIEW_WORDS, updated.review).toLowerCase()}. ${words(STATUS_WORDS, updated.status)}.`); } },
    );
  }

  return (
    <Page title={`Comment by ${comment.author_name || "unknown author"}`}>
      <p>
        <Link to="/comments">Back to comments</Link>
      </p>
      <Flash message={flash.message} stamp={flash.stamp} />
      {comment.escalated ? (
        <div className="alert-banner" role="note">
          <Icon name="alert" className="icon icon--large" />
          <p>
            <strong>Escalated to the designated safeguarding lead.</strong> Only the DSL and the head teacher can see this comment. Follow the
            school&apos;s safeguarding procedure.
          </p>
        </div>
      ) : null}

      <section className="panel" aria-labelledby={`${id}-text`}>
        <h2 id={`${id}-text`}>What it says</h2>
        <HighlightedText text={comment.text ?? ""} spans={labelSpans(labels)} />
        {earlier.length ? (
          <details>
            <summary>Earlier versions ({earlier.length})</summary>
            <ul className="plain-list">
              {earlier.map((text, index) => (
                <li key={index}>{text}</li>
              ))}
            </ul>
          </details>
        ) : null}
        {media.length ? (
          <div className="notice notice--warn">
            <p>
              <strong>Attached media ({media.length}).</strong> Not copied or shown here: it may be indecent. Only its address is kept.
            </p>
            <ul className="plain-list">
              {media.map((url) => (
                <li key={url}>
                  <code className="credential">{url}</code>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <dl className="facts">
          <dt>Author</dt>
          <dd>{comment.author_name || "Unknown"}</dd>
          <dt>Where</dt>
          <dd>
            {words(CHANNEL_WORDS, comment.channel)}
            <ChannelLink href={comment.permalink}>Open on the platform</ChannelLink>
          </dd>
          <dt>Written</dt>
          <dd>{formatDateTime(comment.platform_created_at ?? comment.created_at)}</dd>
          <dt>Now</dt>
          <dd>
            {words(STATUS_WORDS, comment.status)} · {words(REVIEW_WORDS, comment.review)}
          </dd>
          <dt>Assigned to</dt>
          <dd>{comment.assigned_to_name ?? "Nobody"}</dd>
        </dl>
      </section>

      <section className="panel" aria-labelledby={`${id}-why`}>
        <h2 id={`${id}-why`}>Why it was held</h2>
        {labels.length === 0 ? (
          <p>The screening found nothing wrong{comment.channel === "website" ? "; website comments wait for approval anyway" : ""}.</p>
        ) : (
          <ul className="finding-list">
            {labelGroups(labels).map((group) => (
              <li key={group.label} className={`finding ${comment.escalated ? "finding--block" : "finding--tag"}`}>
                <p className="finding__place">
                  {words(LABEL_WORDS, group.label)}
                  <span className="finding__rule"> · {Math.round(group.score * 100)}% sure</span>
                </p>
                {group.reasons.map((reason) => (
                  <p key={reason} className="finding__message">
                    {reason}
                  </p>
                ))}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="panel decision" aria-labelledby={`${id}-decide`}>
        <h2 id={`${id}-decide`}>Decide</h2>
        <div className="actions">
          {comment.assigned_to === userId ? (
            <button type="button" className="button button--secondary" disabled={assign.isPending} onClick={() => assign.mutate(null, { onSuccess: () => done("Unassigned.") })}>
              Unassign me
            </button>
          ) : (
            <button type="button" className="button button--secondary" disabled={assign.isPending} onClick={() => assign.mutate(userId, { onSuccess: () => done("Assigned to you.") })}>
              Assign to me
            </button>
          )}
        </div>
        <ErrorSummary messages={[...errorMessages(decide.error).top, ...errorMessages(assign.error).top]} />
        {deleted ? (
          <p>This comment has been deleted on the platform.</p>
        ) : (
          <>
            <div className="field">
              <label htmlFor={`${id}-note`}>Note with your decision (optional)</label>
              <input id={`${id}-note`} type="text" maxLength={5000} value={note} onChange={(event) => setNote(event.target.value)} />
            </div>
            {!open ? <p className="hint">Already decided ({words(REVIEW_WORDS, comment.review).toLowerCase()}); you can still change it.</p> : null}
            {confirming ? (
              <div className="confirm" role="group" aria-label="Confirm">
                <p>{decisions.find((d) => d.key === confirming)?.confirm}</p>
                <div className="actions">
                  <button type="button" className="button button--danger" onClick={() => run(confirming)}>
                    Yes, {decisions.find((d) => d.key === confirming)?.label.toLowerCase()}
                  </button>
                  <button type="button" className="button button--secondary" autoFocus onClick={() => setConfirming(null)}>
                    Cancel
                  </button>
                </div>
              </div>
            ) : (
              <div className="actions">
                {decisions.map((d) => (
                  <button
                    key={d.key}
                    type="button"
                    className={`button ${d.tone}`}
                    disabled={decide.isPending}
                    onClick={() => (d.confirm ? setConfirming(d.key) : run(d.key))}
                  >
                    {d.label}
                  </button>
                ))}
              </div>
            )}
          </>
        )}
        <ReportForm commentId={comment.id} onDone={done} />
        <ReclassifyForm commentId={comment.id} onDone={done} />
      </section>

      <EvidencePanel comment={comment} userName={userName} onDone={done} />
      <ProceduresPanel comment={comment} onDone={done} />
      <Notes commentId={comment.id} />
      <ReplyForm commentId={comment.id} onDone={done} />

      <details className="panel history">
        <summary>What has been done ({comment.actions.length})</summary>
        <ol className="history-list">
          {comment.actions.map((action) => (
            <li key={action.id}>
              <strong>{words(ACTION_WORDS, action.kind)}</strong>
              <span className="hint">
                {" "}
                {formatDateTime(action.created_at)} · {action.actor_name}
                {action.platform_state ? ` · ${words(PLATFORM_STATE_WORDS, action.platform_state)}` : ""}
              </span>
              {action.note ? <p className="history-reason">{action.note}</p> : null}
              {action.last_error ? <p className="field-error">{action.last_error}</p> : null}
              {action.reply_post ? (
                <p>
                  <Link to={`/posts/${action.reply_post}`}>The reply post</Link>
                </p>
              ) : null}
            </li>
          ))}
        </ol>
      </details>
    </Page>
  );
}

function ReportForm({ commentId, onDone }: { commentId: number; onDone: (m: string) => void }) {
  const id = useId();
  const report = useReport(commentId);
  const [open, setOpen] = useState(false);
  const [reference, setReference] = useState("");
  const [note, setNote] = useState("");
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    report.mutate({ reference: reference.trim(), note: note.trim() }, { onSuccess: () => { setOpen(false); onDone("Recorded as reported."); } });
  }
  if (!open) {
    return (
      <p>
        <button type="button" className="button button--link" onClick={() => setOpen(true)}>
          Record that it was reported (to the platform, police or LADO)
        </button>
      </p>
    );
  }
  return (
    <form className="form" onSubmit={submit} noValidate>
      <ErrorSummary messages={errorMessages(report.error).top} />
      <div className="field">
        <label htmlFor={`${id}-ref`}>Their reference (optional)</label>
        <input id={`${id}-ref`} type="text" maxLength={300} value={reference} onChange={(event) => setReference(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-note`}>Who was told, and how</label>
        <textarea id={`${id}-note`} rows={2} value={note} onChange={(event) => setNote(event.target.value)} />
      </div>
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={report.isPending}>
          Record report
        </button>
        <button type="button" className="button button--secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Notes({ commentId }: { commentId: number }) {
  const id = useId();
  const notes = useCommentNotes(commentId);
  const add = useAddCommentNote(commentId);
  const [text, setText] = useState("");
  const [blank, setBlank] = useState(false);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!text.trim()) return setBlank(true);
    setBlank(false);
    add.mutate(text.trim(), { onSuccess: () => { setText(""); void notes.refetch(); } });
  }
  const errors = [...(blank ? ["Write the note."] : []), ...(errorMessages(add.error, ["text"]).fields.text ?? []), ...errorMessages(add.error).top];
  return (
    <section className="panel" aria-labelledby={`${id}-notes`}>
      <h2 id={`${id}-notes`}>Notes for moderators</h2>
      {notes.data && notes.data.length > 0 ? (
        <ol className="thread">
          {notes.data.map((n) => (
            <li key={n.id} className="note">
              <p className="note__meta">
                <strong>{n.author}</strong> <span className="hint">{formatDateTime(n.created_at)}</span>
              </p>
              <p className="note__text">{n.note}</p>
            </li>
          ))}
        </ol>
      ) : notes.data ? (
        <p className="hint">No notes yet.</p>
      ) : null}
      <form className="form" onSubmit={submit} noValidate>
        <div className={`field${errors.length ? " field--error" : ""}`}>
          <label htmlFor={`${id}-text`}>Add a note</label>
          {errors.length ? (
            <p className="field-error" id={`${id}-error`}>
              {errors.join(" ")}
            </p>
          ) : null}
          <textarea id={`${id}-text`} rows={2} value={text} aria-describedby={errors.length ? `${id}-error` : undefined} onChange={(event) => setText(event.target.value)} />
        </div>
        <button type="submit" className="button button--secondary" disabled={add.isPending}>
          Add note
        </button>
      </form>
    </section>
  );
}

function ReplyForm({ commentId, onDone }: { commentId: number; onDone: (m: string) => void }) {
  const id = useId();
  const reply = useReply(commentId);
  const [text, setText] = useState("");
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    reply.mutate(text.trim(), { onSuccess: () => { setText(""); onDone("Reply drafted as a post: it goes through the checks and approval like any post."); } });
  }
  return (
    <details className="panel history">
      <summary>Reply from the school&apos;s account</summary>
      <p className="hint">A reply is a post: it is checked and approved before it appears. Only from an enrolled school tablet.</p>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorSummary messages={errorMessages(reply.error, []).top} />
        <div className="field">
          <label htmlFor={`${id}-reply`}>Reply</label>
          <textarea id={`${id}-reply`} rows={3} value={text} onChange={(event) => setText(event.target.value)} />
        </div>
        <button type="submit" className="button button--secondary" disabled={reply.isPending || !text.trim()}>
          Draft the reply
        </button>
      </form>
      {reply.data ? (
        <p>
          <Link to={`/posts/${reply.data.post}`}>Open the reply post</Link>
        </p>
      ) : null}
    </details>
  );
}
