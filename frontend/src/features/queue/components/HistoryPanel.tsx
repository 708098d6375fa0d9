import { useState } from "react";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import { statusMeta } from "../../../lib/post";
import { usePostHistory } from "../api/queue";

const ACTIONS: Record<string, string> = {
  "post.created": "Draft started",
  "post.edited": "Text, channels or time changed",
  "post.image_added": "Photo added",
  "post.image_removed": "Photo removed",
  "post.alt_text_changed": "Photo description changed",
  "post.face_added": "Face box drawn by hand",
  "post.face_tagged": "Face tagged",
  "post.face_adult_confirmed": "Adult tag confirmed",
  "post.face_disputed": "Recognition disputed",
  "post.face_dispute_resolved": "Dispute decided",
  "post.faces_blurred": "Faces blurred",
  "post.approval_recorded": "Approval recorded",
  "post.note_added": "Message added",
};

function describe(action: string): string {
  if (ACTIONS[action]) return ACTIONS[action];
  if (action.startsWith("post.")) return `Became: ${statusMeta(action.slice(5)).label}`;
  return action;
}

/** Every change to the post, from the audit log. Loaded when opened. */
export function HistoryPanel({ postId }: { postId: number }) {
  const [open, setOpen] = useState(false);
  const history = usePostHistory(postId, open);
  return (
    <details className="panel history" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>History</summary>
      {history.isPending && open ? <p className="loading">Loading…</p> : null}
      {history.isError ? <p className="field-error">{errorMessages(history.error).top.join(" ")}</p> : null}
      {history.data ? (
        <ol className="history-list">
          {history.data.map((event) => {
            const data = event.data !== null && typeof event.data === "object" ? (event.data as Record<string, unknown>) : {};
            const reason = typeof data.reason === "string" ? data.reason : "";
            const adult = typeof data.adult_name === "string" && data.adult_name ? `Adult: ${data.adult_name}` : "";
            const outcome = data.outcome === "upheld" ? "Recognition removed" : data.outcome === "rejected" ? "Recognition kept" : "";
            return (
              <li key={event.seq}>
                <strong>{describe(event.action)}</strong>
                <span className="hint">
                  {" "}
                  {formatDateTime(event.created_at)} · {event.actor_label || "the system"}
                </span>
                {adult ? <p className="history-reason">{adult}</p> : null}
                {outcome ? <p className="history-reason">{outcome}</p> : null}
                {reason ? <p className="history-reason">{reason}</p> : null}
              </li>
            );
          })}
        </ol>
      ) : null}
    </details>
  );
}
