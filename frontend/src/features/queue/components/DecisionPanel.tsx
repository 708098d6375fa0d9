import { useId, useState, type FormEvent } from "react";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Icon } from "../../../components/Icon";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import { approvalsView, channelsInWords, imageSrc, postChannels, statusMeta, type PostDetail } from "../../../lib/post";
import { useApprove, useReject, useRequestChanges, type Publishing } from "../api/queue";
import { X_OVER_BUDGET, XCostNotice } from "./XCostNotice";

type Open = "approve" | "changes" | "reject";

function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** After an approval, what happens next, in words: when, and on which channels. */
function approvalOutcome(updated: PostDetail): string {
  const where = channelsInWords(postChannels(updated));
  switch (updated.status) {
    case "awaiting_approval":
      return "Your approval is recorded. It needs another leader's approval before it is published.";
    case "scheduled":
      return `Approved. It will be published at ${formatDateTime(updated.scheduled_at)} to ${where}.`;
    case "approved":
      return `Approved. It will be published to ${where} in a moment.`;
    case "publishing":
      return `Approved. It is being published now to ${where}.`;
    case "published":
      return `Approved and published to ${where}.`;
    default:
      return `Approved. ${statusMeta(updated.status).explain}`;
  }
}

/**
 * Approve (binding the exact content hash on screen, R8), request changes or reject. Not
 * offered for your own post: the server refuses it anyway, so say why instead.
 */
export function DecisionPanel({
  post,
  userId,
  policy,
  onDone,
}: {
  post: PostDetail;
  userId: number;
  policy: Publishing | undefined;
  onDone: (message: string) => void;
}) {
  const id = useId();
  const own = post.author === userId;
  const [open, setOpen] = useState<Open>(own ? "changes" : "approve");
  const approvals = approvalsView(post.approvals).filter((a) => a.contentHash === post.content_hash);
  const mine = approvals.some((a) => a.approverId === userId);
  const needed = policy
    ? Math.max(1, post.has_identifiable_pupils ? Math.max(policy.approvals_required, policy.approvals_required_identifiable_pupils) : policy.approvals_required)
    : null;

  return (
    <section className="panel decision" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Your decision</h2>
      {needed !== null && needed > 1 ? (
        <p>
          This post needs {needed} approvals from different leaders{post.has_identifiable_pupils ? " because it shows identifiable pupils" : ""}.{" "}
          {approvals.length} so far.
        </p>
      ) : null}
      {approvals.length > 0 ? (
        <ul className="approvals" aria-label="Approvals of this version">
          {approvals.map((a) => (
            <li key={`${a.approverId}-${a.createdAt}`}>
              <Icon name="check" /> Approved by {a.approver} · {formatDateTime(a.createdAt)}
            </li>
          ))}
        </ul>
      ) : null}

      {own ? (
        <div className="notice notice--warn" role="note">
          <p>
            <strong>You wrote this post, so you cannot approve it.</strong> Nobody approves their own post: another member of the leadership
            team must approve it. You can still ask for changes or reject it.
          </p>
        </div>
      ) : null}

      <div className="segmented" role="group" aria-label="Choose a decision">
        {(
          [
            ["approve", "Approve"],
            ["changes", "Request changes"],
            ["reject", "Reject"],
          ] as const
        ).filter(([key]) => !(own && key === "approve")).map(([key, label]) => (
          <button key={key} type="button" className={`segment${open === key ? " segment--on" : ""}`} aria-pressed={open === key} onClick={() => setOpen(key)}>
            {label}
          </button>
        ))}
      </div>

      {open === "approve" && !own ? (
        mine ? (
          <div className="notice notice--ok">
            <p>
              <Icon name="check" /> You have approved this version. It needs another leader&apos;s approval before it is published.
            </p>
          </div>
        ) : (
          <ApproveForm post={post} onDone={onDone} />
        )
      ) : open === "changes" ? (
        <ReasonForm
          key="changes"
          label="What needs changing?"
          hint="The author sees this and can edit the post; it is then checked again."
          button="Request changes"
          blank="Say what needs changing: the author will see it."
          field="comment"
          useAction={useRequestChanges}
          postId={post.id}
          onDone={() => onDone("Changes requested. The author has been told.")}
        />
      ) : (
        <ReasonForm
          key="reject"
          label="Why are you rejecting it?"
          hint="The author sees this. A rejected post cannot be published; they would need to start a new one."
          button="Reject post"
          danger
          blank="Give a reason: the author will see it."
          field="reason"
          useAction={useReject}
          postId={post.id}
          onDone={() => onDone("Rejected. The author has been told.")}
        />
      )}
    </section>
  );
}

/**
 * R20: detectors miss turned, profile and partly hidden faces, so the approver looks at every
 * photo that will be published and ticks each one (the server refuses an approval without).
 */
function ApproveForm({ post, onDone }: { post: PostDetail; onDone: (message: string) => void }) {
  const id = useId();
  const approve = useApprove(post.id);
  const [schedule, setSchedule] = useState(toLocalInput(post.scheduled_at));
  const [confirmed, setConfirmed] = useState<ReadonlySet<number>>(() => new Set());
  const [unconfirmed, setUnconfirmed] = useState(false);
  const [acceptXCost, setAcceptXCost] = useState(false);
  const errors = errorMessages(approve.error, ["confirmed_images", "scheduled_at", "acknowledged"]);
  const photos = post.images.map((image, index) => ({ image, number: index + 1 }));
  const missing = photos.filter(({ image }) => !confirmed.has(image.id));
  const confirmErrors = [
    ...(unconfirmed && missing.length
      ? [`Look at ${missing.length === 1 ? "this photo" : "each photo"} and tick it: ${missing.map(({ number }) => `photo ${number}`).join(", ")} not confirmed yet. If someone else is there, request changes so the author can add a face box.`]
      : []),
    ...(errors.fields.confirmed_images ?? []),
  ];

  function toggle(imageId: number, on: boolean) {
    setConfirmed((previous) => {
      const next = new Set(previous);
      if (on) next.add(imageId);
      else next.delete(imageId);
      return next;
    });
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const first = missing[0];
    if (first) {
      setUnconfirmed(true);
      document.getElementById(`${id}-confirm-${first.image.id}`)?.focus();
      return;
    }
    setUnconfirmed(false);
    const scheduledAt = schedule ? new Date(schedule).toISOString() : null;
    approve.mutate(
      {
        content_hash: post.content_hash,
        scheduled_at: scheduledAt,
        confirmed_images: photos.map(({ image }) => image.id),
        ...(acceptXCost ? { acknowledged: [X_OVER_BUDGET] } : {}),
      },
      {
        onSuccess: (updated) => onDone(approvalOutcome(updated)),
      },
    );
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <ErrorSummary messages={errors.top} />
      <p className="hint">You approve exactly what is on this screen. If the author changes anything, your approval no longer counts.</p>
      <div className={`field${errors.fields.scheduled_at ? " field--error" : ""}`}>
        <label htmlFor={`${id}-schedule`}>Publish at (optional)</label>
        <p className="hint" id={`${id}-schedule-hint`}>
          Leave empty to publish as soon as it is approved.
        </p>
        {errors.fields.scheduled_at ? (
          <p className="field-error" id={`${id}-schedule-error`}>
            {errors.fields.scheduled_at.join(" ")}
          </p>
        ) : null}
        <input
          id={`${id}-schedule`}
          type="datetime-local"
          value={schedule}
          aria-describedby={`${id}-schedule-hint${errors.fields.scheduled_at ? ` ${id}-schedule-error` : ""}`}
          onChange={(event) => setSchedule(event.target.value)}
        />
      </div>
      {photos.length ? (
        <fieldset className={`field fieldset photo-confirmations${confirmErrors.length ? " field--error" : ""}`}>
          <legend>Look at each photo before approving</legend>
          <p className="hint" id={`${id}-confirm-hint`}>
            Face detection can miss people who are turned away, in profile or partly hidden. Tick a photo only when you have looked and nobody
            identifiable is in it apart from the faces already boxed on it.
          </p>
          {confirmErrors.length ? (
            <p className="field-error" id={`${id}-confirm-error`}>
              {confirmErrors.map((message) => (
                <span key={message}>{message}</span>
              ))}
            </p>
          ) : null}
          {photos.map(({ image, number }) => {
            const invalid = confirmErrors.length > 0 && !confirmed.has(image.id);
            return (
              <label key={image.id} className="checkbox checkbox--important">
                <input
                  id={`${id}-confirm-${image.id}`}
                  type="checkbox"
                  required
                  checked={confirmed.has(image.id)}
                  aria-invalid={invalid ? true : undefined}
                  aria-describedby={invalid ? `${id}-confirm-error` : `${id}-confirm-hint`}
                  onChange={(event) => toggle(image.id, event.target.checked)}
                />
                <img className="photo-confirmations__thumb" src={imageSrc(image, "thumb", post)} alt="" width={48} height={48} />
                <span>Photo {number}: No other identifiable person in this photo</span>
              </label>
            );
          })}
        </fieldset>
      ) : null}
      <XCostNotice
        postId={post.id}
        onX={post.channels.includes("x")}
        accepted={acceptXCost}
        onAccept={setAcceptXCost}
        errors={errors.fields.acknowledged ?? []}
      />
      <button type="submit" className="button button--primary" disabled={approve.isPending}>
        <Icon name="check" /> {approve.isPending ? "Approving…" : "Approve this post"}
      </button>
    </form>
  );
}

function ReasonForm({
  label,
  hint,
  button,
  blank,
  field,
  danger = false,
  useAction,
  postId,
  onDone,
}: {
  label: string;
  hint: string;
  button: string;
  blank: string;
  field: "reason" | "comment";
  danger?: boolean;
  useAction: (postId: number) => ReturnType<typeof useReject>;
  postId: number;
  onDone: () => void;
}) {
  const id = useId();
  const action = useAction(postId);
  const [text, setText] = useState("");
  const [empty, setEmpty] = useState(false);
  const errors = errorMessages(action.error, [field]);
  const fieldErrors = [...(empty ? [blank] : []), ...(errors.fields[field] ?? [])];

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!text.trim()) {
      setEmpty(true);
      document.getElementById(`${id}-text`)?.focus();
      return;
    }
    setEmpty(false);
    action.mutate(text.trim(), { onSuccess: onDone });
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <ErrorSummary messages={errors.top} />
      <div className={`field${fieldErrors.length ? " field--error" : ""}`}>
        <label htmlFor={`${id}-text`}>{label}</label>
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
        {fieldErrors.length ? (
          <p className="field-error" id={`${id}-error`}>
            {fieldErrors.map((message) => (
              <span key={message}>{message}</span>
            ))}
          </p>
        ) : null}
        <textarea
          id={`${id}-text`}
          rows={3}
          required
          value={text}
          aria-invalid={fieldErrors.length ? true : undefined}
          aria-describedby={`${id}-hint${fieldErrors.length ? ` ${id}-error` : ""}`}
          onChange={(event) => setText(event.target.value)}
        />
      </div>
      <button type="submit" className={`button ${danger ? "button--danger" : "button--primary"}`} disabled={action.isPending}>
        {action.isPending ? "Sending…" : button}
      </button>
    </form>
  );
}
