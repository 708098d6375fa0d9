import { useId, useState } from "react";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Icon } from "../../../components/Icon";
import { StatusBadge } from "../../../components/StatusBadge";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import { exportUrl, useCaptureEvidence, useCountersign, useEvidenceRecord, type CommentDetail, type CommentEvidenceSummary } from "../api/comments";
import { EVIDENCE_REASON_WORDS, words } from "./words";

/**
 * R12: evidence is captured (text, author, URL, times, SHA-256) before anything is hidden or
 * deleted, and a second person countersigns before it can be exported.
 */
export function EvidencePanel({ comment, userName, onDone }: { comment: CommentDetail; userName: string; onDone: (m: string) => void }) {
  const id = useId();
  const capture = useCaptureEvidence(comment.id);
  const records = comment.evidence;
  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Evidence</h2>
      <ErrorSummary messages={errorMessages(capture.error).top} />
      {records.length === 0 ? <p>No evidence captured yet.</p> : null}
      <ul className="card-list" aria-label="Evidence records">
        {records.map((record) => (
          <EvidenceItem key={record.id} record={record} commentId={comment.id} userName={userName} onDone={onDone} />
        ))}
      </ul>
      <p>
        <button type="button" className="button button--secondary" disabled={capture.isPending} onClick={() => capture.mutate(undefined, { onSuccess: () => onDone("Evidence captured. A second person must countersign it before it can be exported.") })}>
          Capture evidence now
        </button>
      </p>
    </section>
  );
}

function EvidenceItem({ record, commentId, userName, onDone }: { record: CommentEvidenceSummary; commentId: number; userName: string; onDone: (m: string) => void }) {
  const [show, setShow] = useState(false);
  const detail = useEvidenceRecord(record.id, show);
  const countersign = useCountersign(commentId);
  const signed = record.countersigned_at !== null;
  const mine = record.captured_by === userName;
  return (
    <li className="card">
      <div className="card-main">
        <p className="post-card__meta">
          {signed ? <StatusBadge label="Countersigned" tone="ok" icon="check" /> : <StatusBadge label="Needs a countersignature" tone="warn" icon="alert" />}
          <span>{words(EVIDENCE_REASON_WORDS, record.reason)}</span>
        </p>
        <p className="hint">
          Captured by {record.captured_by} on {formatDateTime(record.captured_at)}
          {signed ? ` · countersigned by ${record.countersigned_by ?? ""} on ${formatDateTime(record.countersigned_at)}` : ""}
        </p>
        <p className="hint">
          SHA-256 <code>{record.sha256.slice(0, 16)}…</code>
        </p>
        <ErrorSummary messages={errorMessages(countersign.error).top} />
        <div className="actions">
          <button type="button" className="button button--secondary" aria-expanded={show} onClick={() => setShow(!show)}>
            {show ? "Hide the record" : "View the record"}
          </button>
          {!signed ? (
            mine ? (
              <span className="hint">You captured it: someone else must countersign.</span>
            ) : (
              <button type="button" className="button button--primary" disabled={countersign.isPending} onClick={() => countersign.mutate(record.id, { onSuccess: () => onDone("Evidence countersigned. It can now be exported.") })}>
                <Icon name="check" /> Countersign
              </button>
            )
          ) : (
            <>
              <a className="button button--secondary" href={exportUrl(record.id, "pdf")} download>
                Download PDF
              </a>
              <a className="button button--secondary" href={exportUrl(record.id, "json")} download>
                Download signed JSON
              </a>
            </>
          )}
        </div>
        {show ? (
          detail.isPending ? (
            <p className="loading">Loading…</p>
          ) : detail.isError ? (
            <ErrorSummary messages={errorMessages(detail.error).top} />
          ) : detail.data ? (
            <>
              <p>
                {detail.data.intact ? (
                  <StatusBadge label="Intact: matches its SHA-256" tone="ok" icon="check" />
                ) : (
                  <StatusBadge label="Does not match its SHA-256" tone="danger" icon="cross" />
                )}
              </p>
              <pre className="evidence-record">{detail.data.canonical}</pre>
            </>
          ) : null
        ) : null}
      </div>
    </li>
  );
}
