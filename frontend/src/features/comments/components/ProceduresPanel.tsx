import { useId, useState, type FormEvent } from "react";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Icon } from "../../../components/Icon";
import { StatusBadge } from "../../../components/StatusBadge";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import type { CommentDetail } from "../api/comments";
import {
  letterPdfUrl,
  useCaseProcedures,
  useDraftLetter,
  usePupilContacts,
  usePupilSearch,
  useEditLetter,
  useRecordOutcome,
  useRecordReport,
  useReportPack,
  useSendLetter,
  type OutcomeBody,
  type ParentLetter,
  type PlatformPack,
  type PlatformReport,
  type ReportBody,
} from "../api/procedures";

const PLATFORMS: Array<{ key: ReportBody["platform"]; label: string }> = [
  { key: "facebook", label: "Facebook" },
  { key: "instagram", label: "Instagram" },
  { key: "x", label: "X" },
  { key: "youtube", label: "YouTube" },
  { key: "website", label: "The school website" },
];
const OUTCOMES: Array<{ key: OutcomeBody["outcome"]; label: string }> = [
  { key: "awaiting", label: "Awaiting the platform" },
  { key: "removed", label: "Removed by the platform" },
  { key: "restricted", label: "Restricted or hidden by the platform" },
  { key: "no_action", label: "The platform took no action" },
  { key: "escalated", label: "Passed to the police or the LADO" },
];
const platformName = (key: string) => PLATFORMS.find((p) => p.key === key)?.label ?? key;

/**
 * What the guidance tells a school to do about a held or escalated comment, on its case page:
 * report it to the platform with the facts the platform asks for, record the report and its
 * outcome, and invite the parent to a meeting by letter.
 */
export function ProceduresPanel({ comment, onDone }: { comment: CommentDetail; onDone: (m: string) => void }) {
  const procedures = useCaseProcedures(comment.id);
  const held = comment.verdict !== "ok" || comment.escalated;
  return (
    <>
      {held ? <ReportPackSection commentId={comment.id} /> : null}
      <ReportsSection comment={comment} reports={procedures.data?.reports ?? []} onDone={onDone} />
      <LettersSection commentId={comment.id} schoolId={comment.school} letters={procedures.data?.letters ?? []} onDone={onDone} />
    </>
  );
}

function ReportPackSection({ commentId }: { commentId: number }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const pack = useReportPack(commentId, open);
  return (
    <section className="panel" aria-labelledby={`${id}-pack`}>
      <h2 id={`${id}-pack`}>Report to the platform</h2>
      <p className="hint">The facts each platform&apos;s report form asks for, taken from the evidence record. Opening the pack is recorded in the audit log.</p>
      {!open ? (
        <button type="button" className="button button--secondary" onClick={() => setOpen(true)}>
          Prepare the report pack
        </button>
      ) : null}
      <ErrorSummary messages={errorMessages(pack.error).top} />
      {pack.data ? (
        <>
          {pack.data.may_be_in_danger ? (
            <div className="alert-banner" role="note">
              <Icon name="alert" className="icon icon--large" />
              <p>
                <strong>Someone may be in danger.</strong> {pack.data.packs[0]?.police_note}
              </p>
            </div>
          ) : null}
          <p className="hint">
            Evidence record {pack.data.evidence_id}, SHA-256 <code>{pack.data.evidence_sha256.slice(0, 16)}…</code>
          </p>
          {pack.data.packs.map((platformPack) => (
            <PackDetails key={platformPack.platform} pack={platformPack} />
          ))}
        </>
      ) : null}
    </section>
  );
}

function PackDetails({ pack }: { pack: PlatformPack }) {
  return (
    <details className="report-pack" open={pack.is_comment_platform}>
      <summary>
        {pack.name}
        {pack.is_comment_platform ? " (where the comment is)" : ""}
      </summary>
      <h3>How to report it</h3>
      <ol>
        {pack.report_route.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      {pack.report_url ? (
        <p>
          <a href={pack.report_url} target="_blank" rel="noreferrer noopener">
            {pack.name}&apos;s reporting help
          </a>
        </p>
      ) : null}
      <h3>What to give them</h3>
      <dl className="facts" aria-label={`Facts for ${pack.name}`}>
        {pack.facts.map((fact) => (
          <div key={fact.key}>
            <dt>{fact.title}</dt>
            <dd>{fact.value}</dd>
          </div>
        ))}
      </dl>
      <h3>What to expect</h3>
      <p>{pack.what_to_expect}</p>
      {pack.escalation_note ? <p className="hint">{pack.escalation_note}</p> : null}
      <p className="hint">{pack.police_note}</p>
    </details>
  );
}

function ReportsSection({ comment, reports, onDone }: { comment: CommentDetail; reports: PlatformReport[]; onDone: (m: string) => void }) {
  const id = useId();
  const record = useRecordReport(comment.id);
  const initial = PLATFORMS.some((p) => p.key === comment.channel) ? (comment.channel as ReportBody["platform"]) : "facebook";
  const [platform, setPlatform] = useState<ReportBody["platform"]>(initial);
  const [reference, setReference] = useState("");
  const [note, setNote] = useState("");
  const errors = errorMessages(record.error, ["reference"]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    record.mutate(
      { platform, reference: reference.trim(), note: note.trim() },
      { onSuccess: () => { setReference(""); setNote(""); onDone(`Report to ${platformName(platform)} recorded.`); } },
    );
  }

  return (
    <section className="panel" aria-labelledby={`${id}-reports`}>
      <h2 id={`${id}-reports`}>Reports made</h2>
      {reports.length === 0 ? <p>No report recorded yet.</p> : null}
      <ul className="card-list" aria-label="Reports to platforms">
        {reports.map((report) => (
          <ReportItem key={report.id} report={report} commentId={comment.id} onDone={onDone} />
        ))}
      </ul>
      <form onSubmit={submit} aria-label="Record a report">
        <ErrorSummary messages={errors.top} />
        <div className="field">
          <label htmlFor={`${id}-platform`}>Reported to</label>
          <select id={`${id}-platform`} value={platform} onChange={(e) => setPlatform(e.target.value as ReportBody["platform"])}>
            {PLATFORMS.map((p) => (
              <option key={p.key} value={p.key}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-reference`}>Reference number (if the platform gave one)</label>
          <input id={`${id}-reference`} type="text" maxLength={200} value={reference} onChange={(e) => setReference(e.target.value)} />
          {errors.fields.reference ? <p className="field-error">{errors.fields.reference.join(" ")}</p> : null}
        </div>
        <div className="field">
          <label htmlFor={`${id}-report-note`}>Note (optional)</label>
          <input id={`${id}-report-note`} type="text" maxLength={5000} value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
        <button type="submit" className="button button--primary" disabled={record.isPending}>
          Record the report
        </button>
      </form>
    </section>
  );
}

function ReportItem({ report, commentId, onDone }: { report: PlatformReport; commentId: number; onDone: (m: string) => void }) {
  const id = useId();
  const outcome = useRecordOutcome(commentId);
  const [choice, setChoice] = useState<OutcomeBody["outcome"]>(report.outcome ?? "awaiting");
  const label = OUTCOMES.find((o) => o.key === report.outcome)?.label ?? report.outcome;
  return (
    <li className="card">
      <div className="card-main">
        <p className="post-card__meta">
          <StatusBadge label={label ?? "Awaiting the platform"} tone={report.outcome === "awaiting" ? "warn" : "ok"} icon={report.outcome === "awaiting" ? "alert" : "check"} />
          <span>
            {platformName(report.platform)}
            {report.reference ? ` · reference ${report.reference}` : ""}
          </span>
        </p>
        <p className="hint">
          Reported by {report.reported_by_name} on {formatDateTime(report.reported_at)}
          {report.outcome_recorded_by_name ? ` · outcome recorded by ${report.outcome_recorded_by_name} on ${formatDateTime(report.outcome_recorded_at ?? null)}` : ""}
        </p>
        <ErrorSummary messages={errorMessages(outcome.error).top} />
        <div className="field field--inline">
          <label htmlFor={`${id}-outcome`}>Outcome</label>
          <select id={`${id}-outcome`} value={choice} onChange={(e) => setChoice(e.target.value as OutcomeBody["outcome"])}>
            {OUTCOMES.map((o) => (
              <option key={o.key} value={o.key}>
                {o.label}
              </option>
            ))}
          </select>
          <button type="button" className="button button--secondary" disabled={outcome.isPending} onClick={() => outcome.mutate({ reportId: report.id, body: { outcome: choice, note: "" } }, { onSuccess: () => onDone("Outcome recorded.") })}>
            Record the outcome
          </button>
        </div>
      </div>
    </li>
  );
}

type Match = { person_id: number; contact_id: number } | null;

function LettersSection({ commentId, schoolId, letters, onDone }: { commentId: number; schoolId: number; letters: ParentLetter[]; onDone: (m: string) => void }) {
  const id = useId();
  const draft = useDraftLetter(commentId);
  const [form, setForm] = useState({ recipient_name: "", meeting_when: "", note_taker: "", meeting_with: "", event: "" });
  const [match, setMatch] = useState<Match>(null);
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value });
  const fields: Array<{ name: keyof typeof form; label: string; hint?: string }> = [
    { name: "recipient_name", label: "To (the parent or carer)" },
    { name: "meeting_when", label: "When the meeting is", hint: "For example: Tuesday 9 June at 3.30pm" },
    { name: "meeting_with", label: "Who they will meet", hint: "For example: Mr Hughes, headteacher" },
    { name: "note_taker", label: "Colleague taking notes", hint: "The guidance asks for a named note-taker." },
    { name: "event", label: "What the comments were about", hint: "For example: our sports day post" },
  ];

  const errors = errorMessages(draft.error, fields.map((f) => f.name));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    draft.mutate({ ...form, ...(match ?? {}) }, { onSuccess: () => onDone("Letter drafted. Check and edit it, then a leader sends it.") });
  }

  return (
    <section className="panel" aria-labelledby={`${id}-letters`}>
      <h2 id={`${id}-letters`}>Letter to a parent</h2>
      <p className="hint">An invitation to an informal, confidential meeting, in the school&apos;s own wording. Staff may draft it; a leader or the DSL sends it.</p>
      <ul className="card-list" aria-label="Letters">
        {letters.map((letter) => (
          <LetterItem key={letter.id} letter={letter} commentId={commentId} onDone={onDone} />
        ))}
      </ul>
      <form onSubmit={submit} aria-label="Draft a letter">
        <ErrorSummary messages={errors.top} />
        <RegisterMatch
          schoolId={schoolId}
          matched={match !== null}
          onPick={(picked, name) => {
            setMatch(picked);
            setForm((previous) => ({ ...previous, recipient_name: name }));
          }}
        />
        {fields.map((field) => (
          <div className="field" key={field.name}>
            <label htmlFor={`${id}-${field.name}`}>{field.label}</label>
            {field.hint ? <p className="hint">{field.hint}</p> : null}
            <input id={`${id}-${field.name}`} type="text" maxLength={200} value={form[field.name]} onChange={set(field.name)} />
            {errors.fields[field.name] ? <p className="field-error">{errors.fields[field.name]?.join(" ")}</p> : null}
          </div>
        ))}
        <button type="submit" className="button button--primary" disabled={draft.isPending}>
          Draft the letter
        </button>
      </form>
    </section>
  );
}

/** Leaders and the DSL may match the comment's author to a parent on the register. */
function RegisterMatch({ schoolId, matched, onPick }: { schoolId: number; matched: boolean; onPick: (match: Match, name: string) => void }) {
  const id = useId();
  const [search, setSearch] = useState("");
  const [personId, setPersonId] = useState<number | null>(null);
  const pupils = usePupilSearch(schoolId, search);
  const contacts = usePupilContacts(personId);
  return (
    <details className="register-match">
      <summary>{matched ? "Matched to a parent on the register" : "Match the author to a parent on the register (optional)"}</summary>
      <ErrorSummary messages={[...errorMessages(pupils.error).top, ...errorMessages(contacts.error).top]} />
      <div className="field">
        <label htmlFor={`${id}-pupil`}>Pupil&apos;s name</label>
        <input id={`${id}-pupil`} type="search" value={search} onChange={(e) => { setSearch(e.target.value); setPersonId(null); }} />
      </div>
      {pupils.data && personId === null ? (
        <ul className="plain-list" aria-label="Pupils found">
          {pupils.data.slice(0, 10).map((pupil) => (
            <li key={pupil.id}>
              <button type="button" className="button button--secondary" onClick={() => setPersonId(pupil.id)}>
                {pupil.display_first_name} {pupil.last_name} ({pupil.year_group || "no year"})
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {personId !== null && contacts.data ? (
        <ul className="plain-list" aria-label="Parents and carers">
          {contacts.data.map((contact) => (
            <li key={contact.id}>
              <button type="button" className="button button--secondary" onClick={() => onPick({ person_id: personId, contact_id: contact.id }, contact.name)}>
                {contact.name} ({contact.relationship || "contact"})
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </details>
  );
}

function LetterItem({ letter, commentId, onDone }: { letter: ParentLetter; commentId: number; onDone: (m: string) => void }) {
  const id = useId();
  const edit = useEditLetter(commentId);
  const send = useSendLetter(commentId);
  const [subject, setSubject] = useState(letter.subject);
  const [body, setBody] = useState(letter.body);
  const sent = letter.status === "sent";
  return (
    <li className="card">
      <div className="card-main">
        <p className="post-card__meta">
          {sent ? <StatusBadge label="Sent" tone="ok" icon="check" /> : <StatusBadge label="Draft" tone="warn" icon="alert" />}
          <span>To {letter.recipient_name}</span>
        </p>
        <p className="hint">
          Drafted by {letter.created_by_name} on {formatDateTime(letter.created_at)}
          {sent ? ` · sent by ${letter.sent_by_name} on ${formatDateTime(letter.sent_at ?? null)}` : ""}
        </p>
        <ErrorSummary messages={[...errorMessages(edit.error).top, ...errorMessages(send.error).top]} />
        {sent ? (
          <pre className="letter">{letter.body}</pre>
        ) : (
          <>
            <div className="field">
              <label htmlFor={`${id}-subject`}>Subject</label>
              <input id={`${id}-subject`} type="text" maxLength={200} value={subject} onChange={(e) => setSubject(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-body`}>Letter</label>
              <textarea id={`${id}-body`} rows={16} value={body} onChange={(e) => setBody(e.target.value)} />
            </div>
          </>
        )}
        <div className="actions">
          {!sent ? (
            <>
              <button type="button" className="button button--secondary" disabled={edit.isPending} onClick={() => edit.mutate({ letterId: letter.id, subject, body }, { onSuccess: () => onDone("Letter saved.") })}>
                Save changes
              </button>
              <button type="button" className="button button--primary" disabled={send.isPending} onClick={() => send.mutate(letter.id, { onSuccess: () => onDone("Letter marked as sent and kept on the case.") })}>
                Send the letter
              </button>
            </>
          ) : null}
          <a className="button button--secondary" href={letterPdfUrl(letter.id)} download>
            Download as PDF
          </a>
        </div>
      </div>
    </li>
  );
}
