import { useId, useState } from "react";
import { errorMessages } from "../../../lib/errors";
import type { PostFace } from "../../../lib/post";
import { useConfirmAdult, useResolveDispute } from "../api/queue";

/**
 * A leader's decisions on one face: a disputed recognition (R1: upheld removes it, rejected
 * keeps it, either with a reason; never by the leader who raised it), and, when the school
 * asks for it, confirming another person's adult tag (R2).
 */
export function FaceReviewActions({
  postId,
  face,
  where,
  userId,
  adultTagsNeedConfirmation,
  onDone,
}: {
  postId: number;
  face: PostFace;
  where: string;
  userId: number;
  adultTagsNeedConfirmation: boolean;
  onDone: (message: string) => void;
}) {
  const openDispute = (face.disputes ?? []).find((dispute) => dispute.status === "open");
  const unconfirmedAdult = adultTagsNeedConfirmation && face.tag === "adult_consent" && !face.adult_confirmed_by && !face.blurred;
  return (
    <>
      {openDispute ? (
        openDispute.raised_by === userId ? (
          <p className="hint">You raised this dispute: another leader decides it.</p>
        ) : (
          <ResolveDispute postId={postId} disputeId={openDispute.id} who={openDispute.person_label ?? "the person recognised"} where={where} onDone={onDone} />
        )
      ) : null}
      {unconfirmedAdult ? (
        face.tagged_by === userId ? (
          <p className="hint">You tagged this adult: another leader confirms it.</p>
        ) : (
          <ConfirmAdult postId={postId} faceId={face.id} name={face.adult_name ?? ""} where={where} onDone={onDone} />
        )
      ) : null}
    </>
  );
}

function ResolveDispute({ postId, disputeId, who, where, onDone }: { postId: number; disputeId: number; who: string; where: string; onDone: (message: string) => void }) {
  const id = useId();
  const resolve = useResolveDispute(postId);
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const errors = errorMessages(resolve.error, ["reason", "outcome", "face"]);
  const messages = [...(problem ? [problem] : []), ...Object.values(errors.fields).flat(), ...errors.top];

  function decide(outcome: "upheld" | "rejected") {
    if (!reason.trim()) return setProblem("Give the reason for your decision.");
    setProblem(null);
    resolve.mutate(
      { disputeId, outcome, reason: reason.trim() },
      {
        onSuccess: () =>
          onDone(
            outcome === "upheld"
              ? `The recognition of ${where} as ${who} was removed: the face must now be tagged or blurred.`
              : `The recognition of ${where} as ${who} stands.`,
          ),
      },
    );
  }

  return (
    <div className="form dispute-panel" role="group" aria-label={`Decide the dispute about ${where}`}>
      <div className={`field${messages.length ? " field--error" : ""}`}>
        <label htmlFor={`${id}-reason`}>Is {where} {who}? Your reason</label>
        {messages.length ? (
          <p className="field-error" role="alert">
            {messages.map((message) => (
              <span key={message}>{message}</span>
            ))}
          </p>
        ) : null}
        <textarea id={`${id}-reason`} rows={2} maxLength={2000} value={reason} onChange={(event) => setReason(event.target.value)} />
      </div>
      <div className="actions">
        <button type="button" className="button button--primary" disabled={resolve.isPending} onClick={() => decide("upheld")}>
          Not {who}: remove the recognition
        </button>
        <button type="button" className="button button--secondary" disabled={resolve.isPending} onClick={() => decide("rejected")}>
          It is {who}: keep it
        </button>
      </div>
    </div>
  );
}

function ConfirmAdult({ postId, faceId, name, where, onDone }: { postId: number; faceId: number; name: string; where: string; onDone: (message: string) => void }) {
  const confirm = useConfirmAdult(postId);
  const problem = errorMessages(confirm.error).top;
  return (
    <div className="actions" role="group" aria-label={`Confirm the adult in ${where}`}>
      {problem.length ? <p className="field-error">{problem.join(" ")}</p> : null}
      <button
        type="button"
        className="button button--primary"
        disabled={confirm.isPending}
        onClick={() => confirm.mutate(faceId, { onSuccess: () => onDone(`Confirmed: ${where} is ${name}, an adult whose consent is on file.`) })}
      >
        Confirm: {name || "this adult"} has consent on file
      </button>
    </div>
  );
}
