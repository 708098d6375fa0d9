import { useId, useState, type FormEvent } from "react";
import { FormActions } from "../../../components/FormActions";
import { errorMessages } from "../../../lib/errors";
import type { PostDetail } from "../../../lib/post";
import { useDisputeFace } from "../api/posts";

/**
 * R1: the system recognised a face as someone it is not. The recognition cannot be tagged
 * away; saying why it is wrong sends it to a leader, and the post waits until they decide.
 */
export function DisputeFacePanel({
  postId,
  faceId,
  who,
  where,
  onDone,
  onCancel,
}: {
  postId: number;
  faceId: number;
  who: string;
  where: string;
  onDone: (message: string, updated?: PostDetail) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const dispute = useDisputeFace(postId);
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const errors = errorMessages(dispute.error, ["reason", "face"]);
  const messages = [...(problem ? [problem] : []), ...(errors.fields.reason ?? []), ...(errors.fields.face ?? []), ...errors.top];

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!reason.trim()) return setProblem("Say why this is not them.");
    setProblem(null);
    dispute.mutate(
      { faceId, reason: reason.trim() },
      { onSuccess: (updated) => onDone(`Sent to a leader: ${where} is not ${who}. The post waits for their decision.`, updated) },
    );
  }

  return (
    <form className="form dispute-panel" onSubmit={submit} noValidate>
      <div className={`field${messages.length ? " field--error" : ""}`}>
        <label htmlFor={`${id}-reason`}>Why is this not {who}?</label>
        <p className="hint" id={`${id}-hint`}>
          A leader checks and decides. Until then the post cannot go ahead; you can still blur the face or remove the photo.
        </p>
        {messages.length ? (
          <p className="field-error" role="alert">
            {messages.map((message) => (
              <span key={message}>{message}</span>
            ))}
          </p>
        ) : null}
        <textarea
          id={`${id}-reason`}
          rows={2}
          maxLength={2000}
          value={reason}
          aria-describedby={`${id}-hint`}
          onChange={(event) => setReason(event.target.value)}
        />
      </div>
      <FormActions label="Send to a leader" pendingLabel="Sending…" pending={dispute.isPending} onCancel={onCancel} />
    </form>
  );
}
