import { useId, useState } from "react";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Icon } from "../../../components/Icon";
import { StatusBadge } from "../../../components/StatusBadge";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import { exportUrl, useCaptureEvidence, useCountersign, useEvidenceRecord, type CommentDetail, type CommentEvidenceSummary, type EvidenceRecord } from "../api/comments";
import { ChannelLink } from "./ChannelLink";
import { CHANNEL_WORDS, EVIDENCE_REASON_WORDS, LABEL_WORDS, words } from "./words";

/**
 * R12: evidence is captured (text, author, URL, times, SHA-256) before anything is hidden or
 * deleted, and a second person countersigns before it can be exported. Whether this user may
 * export a record, and why, comes from the server: no button is offered that would be refused.
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
          Captured by {capturer(record.captured_by)} on {formatDateTime(record.captured_at)}
          {signed ? ` · countersigned by ${record.countersigned_by ?? ""} on ${formatDateTime(record.countersigned_at)}` : ""}
        </p>
        <ErrorSummary messages={errorMessages(countersign.error).top} />
        <div className="actions">
          <button type="button" className="button button--secondary" aria-expanded={show} onClick={() => setShow(!show)}>
            {show ? "Hide the record" : "View the record"}
          </button>
          {!signed && !mine ? (
            <button type="button" className="button button--primary" disabled={countersign.isPending} onClick={() => countersign.mutate(record.id, { onSuccess: () => onDone("Evidence countersigned.") })}>
              <Icon name="check" /> Countersign
            </button>
          ) : null}
          {record.can_export ? (
            <>
              <a className="button button--secondary" href={exportUrl(record.id, "pdf")} download>
                Download PDF
              </a>
              <a className="button button--secondary" href={exportUrl(record.id, "json")} download>
                Download the record (signed JSON)
              </a>
            </>
          ) : null}
        </div>
        {!signed && mine ? <p className="hint">You captured it: someone else must countersign.</p> : null}
        <p className="hint evidence-export">
          <strong>Export:</strong> {record.export_reason}
        </p>
        {show ? (
          detail.isPending ? (
            <p className="loading">Loading…</p>
          ) : detail.isError ? (
            <ErrorSummary messages={errorMessages(detail.error).top} />
          ) : detail.data ? (
            <EvidenceRecordView evidence={detail.data} summary={record} />
          ) : null
        ) : null}
      </div>
    </li>
  );
}

function capturer(name: string | null | undefined): string {
  return !name || name === "system" ? "the screening (automatically)" : name;
}

/** The record as a person reads it: what was said, by whom, where, when, and its hash. */
function EvidenceRecordView({ evidence, summary }: { evidence: EvidenceRecord; summary: CommentEvidenceSummary }) {
  const said = evidence.record.comment;
  const publication = evidence.record.publication;
  const labels = [...new Set(said.labels.map((label) => words(LABEL_WORDS, label.label)))];
  return (
    <div className="evidence-view" aria-label="The evidence record" role="group">
      <p>
        {evidence.intact ? <StatusBadge label="Intact: matches its SHA-256" tone="ok" icon="check" /> : <StatusBadge label="Does not match its SHA-256" tone="danger" icon="cross" />}
      </p>
      <dl className="facts">
        <dt>What it said</dt>
        <dd>
          <blockquote className="evidence-view__text">{said.text || "(no text)"}</blockquote>
          {said.previous_texts.length ? (
            <ul className="plain-list">
              {said.previous_texts.map((previous, index) => (
                <li key={index}>Earlier: “{previous.text}”</li>
              ))}
            </ul>
          ) : null}
        </dd>
        <dt>Author</dt>
        <dd>
          {said.author_name || "Unknown"}
          {said.author_id ? <span className="hint"> (account {said.author_id})</span> : null}
        </dd>
        <dt>Where</dt>
        <dd>
          {words(CHANNEL_WORDS, said.channel)}
          <ChannelLink href={said.permalink}>The comment on the platform</ChannelLink>
          <ChannelLink href={publication?.url}>The school&apos;s post</ChannelLink>
        </dd>
        <dt>Written</dt>
        <dd>{said.platform_created_at ? formatDateTime(said.platform_created_at) : "Not given by the platform"}</dd>
        {said.edited_at ? (
          <>
            <dt>Edited</dt>
            <dd>{formatDateTime(said.edited_at)}</dd>
          </>
        ) : null}
        <dt>First stored here</dt>
        <dd>{said.first_stored_at ? formatDateTime(said.first_stored_at) : "—"}</dd>
        <dt>Held for</dt>
        <dd>{labels.length ? labels.join(", ") : "Nothing the screening found"}</dd>
        {said.media.length ? (
          <>
            <dt>Attached media</dt>
            <dd>
              {said.media.length} address{said.media.length === 1 ? "" : "es"} kept; the media itself is never copied.
            </dd>
          </>
        ) : null}
        <dt>Captured</dt>
        <dd>
          {formatDateTime(evidence.captured_at)} by {capturer(evidence.captured_by_name)} ({words(EVIDENCE_REASON_WORDS, evidence.reason).toLowerCase()})
        </dd>
        <dt>Countersigned</dt>
        {/* From the comment's summary, which a countersignature refreshes; the record was read once (each read is audited). */}
        <dd>{summary.countersigned_at ? `${formatDateTime(summary.countersigned_at)} by ${summary.countersigned_by ?? ""}` : "Not yet"}</dd>
        <dt>SHA-256</dt>
        <dd>
          <code className="credential">{evidence.sha256}</code>
        </dd>
      </dl>
    </div>
  );
}
