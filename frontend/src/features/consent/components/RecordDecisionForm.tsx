import { useId, useState, type FormEvent } from "react";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { errorMessages } from "../../../lib/errors";
import { useRecordConsent, useUploadEvidence, type PersonContact, type Purpose, type RecordBody } from "../api/consent";
import { METHOD_LABELS, PURPOSE_LABELS } from "./labels";

const PURPOSES = Object.keys(PURPOSE_LABELS) as Purpose[];
const FIELDS = ["purposes", "decision", "given_by", "contact_id", "method", "given_on", "expires_on", "evidence_reference", "notes"] as const;

/** A consent administrator records a decision (records are append-only: a new one wins). */
export function RecordDecisionForm({ personId, contacts, onDone }: { personId: number; contacts: PersonContact[]; onDone: (message: string) => void }) {
  const id = useId();
  const record = useRecordConsent(personId);
  const upload = useUploadEvidence(personId);
  const [purposes, setPurposes] = useState<Purpose[]>([]);
  const [decision, setDecision] = useState<RecordBody["decision"]>("granted");
  const [givenBy, setGivenBy] = useState<RecordBody["given_by"]>("contact");
  const [contactId, setContactId] = useState("");
  const [method, setMethod] = useState<RecordBody["method"]>("paper_form");
  const [givenOn, setGivenOn] = useState("");
  const [expiresOn, setExpiresOn] = useState("");
  const [reference, setReference] = useState("");
  const [notes, setNotes] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [local, setLocal] = useState<Record<string, string[]>>({});
  const errors = errorMessages(record.error, FIELDS);
  const uploadErrors = errorMessages(upload.error, ["file"]);
  const fieldErrors: Record<string, string[]> = { ...errors.fields, ...local };
  const fileErrors = [...(uploadErrors.fields.file ?? []), ...uploadErrors.top];

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problems: Record<string, string[]> = {};
    if (purposes.length === 0) problems.purposes = ["Choose what the decision is about."];
    if (givenBy === "contact" && !contactId) problems.contact_id = ["Choose who gave it."];
    setLocal(problems);
    if (Object.keys(problems).length) return;
    let evidenceId: number | null = null;
    if (file) {
      try {
        evidenceId = (await upload.mutateAsync(file)).id;
      } catch {
        return;
      }
    }
    record.mutate(
      {
        purposes,
        decision,
        given_by: givenBy,
        contact_id: givenBy === "contact" ? Number(contactId) : null,
        method,
        given_on: givenOn || null,
        expires_on: expiresOn || null,
        evidence_id: evidenceId,
        evidence_reference: reference.trim(),
        notes: notes.trim(),
      },
      {
        onSuccess: () => {
          setPurposes([]);
          setNotes("");
          setReference("");
          setFile(null);
          onDone("Consent decision recorded.");
        },
      },
    );
  }

  const error = (name: string) =>
    fieldErrors[name]?.length ? (
      <p className="field-error" id={`${id}-${name}-error`}>
        {fieldErrors[name].join(" ")}
      </p>
    ) : null;

  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Record a decision</h2>
      <form className="form" onSubmit={(event) => void submit(event)} noValidate>
        <ErrorSummary messages={errors.top} />
        <fieldset className={`field fieldset${fieldErrors.purposes ? " field--error" : ""}`}>
          <legend>What is it about?</legend>
          {error("purposes")}
          <div className="checkboxes">
            {PURPOSES.map((purpose) => (
              <label key={purpose} className="checkbox">
                <input
                  type="checkbox"
                  checked={purposes.includes(purpose)}
                  onChange={(event) => setPurposes(event.target.checked ? [...purposes, purpose] : purposes.filter((p) => p !== purpose))}
                />
                <span>{PURPOSE_LABELS[purpose]}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="field fieldset">
          <legend>Decision</legend>
          {error("decision")}
          <div className="radios radios--inline">
            {(["granted", "refused", "withdrawn"] as const).map((value) => (
              <label key={value} className="radio">
                <input type="radio" name={`${id}-decision`} checked={decision === value} onChange={() => setDecision(value)} />
                <span>{value === "granted" ? "Granted" : value === "refused" ? "Refused" : "Withdrawn"}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="field fieldset">
          <legend>Given by</legend>
          {error("given_by")}
          <div className="radios radios--inline">
            <label className="radio">
              <input type="radio" name={`${id}-by`} checked={givenBy === "contact"} onChange={() => setGivenBy("contact")} />
              <span>A parent or carer</span>
            </label>
            <label className="radio">
              <input type="radio" name={`${id}-by`} checked={givenBy === "self"} onChange={() => setGivenBy("self")} />
              <span>The person themselves</span>
            </label>
          </div>
        </fieldset>
        {givenBy === "contact" ? (
          <div className={`field${fieldErrors.contact_id ? " field--error" : ""}`}>
            <label htmlFor={`${id}-contact`}>Who gave it</label>
            <p className="hint">Only a contact with parental responsibility can give consent.</p>
            {error("contact_id")}
            <select id={`${id}-contact`} value={contactId} onChange={(event) => setContactId(event.target.value)}>
              <option value="">Choose…</option>
              {contacts.map((c) => (
                <option key={c.id} value={c.id} disabled={!c.may_give_consent}>
                  {c.name}
                  {c.relationship ? ` (${c.relationship})` : ""}
                  {c.may_give_consent ? "" : " — may not give consent"}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className={`field${fieldErrors.method ? " field--error" : ""}`}>
          <label htmlFor={`${id}-method`}>How</label>
          {error("method")}
          <select id={`${id}-method`} value={method} onChange={(event) => setMethod(event.target.value as RecordBody["method"])}>
            {(["paper_form", "electronic_form", "verbal"] as const).map((m) => (
              <option key={m} value={m}>
                {METHOD_LABELS[m]}
              </option>
            ))}
          </select>
        </div>
        <div className="two-columns">
          <div className={`field${fieldErrors.given_on ? " field--error" : ""}`}>
            <label htmlFor={`${id}-given`}>Given on</label>
            {error("given_on")}
            <input id={`${id}-given`} type="date" value={givenOn} onChange={(event) => setGivenOn(event.target.value)} />
          </div>
          <div className={`field${fieldErrors.expires_on ? " field--error" : ""}`}>
            <label htmlFor={`${id}-expires`}>Expires on (optional)</label>
            {error("expires_on")}
            <input id={`${id}-expires`} type="date" value={expiresOn} onChange={(event) => setExpiresOn(event.target.value)} />
          </div>
        </div>
        <div className={`field${fileErrors.length ? " field--error" : ""}`}>
          <label htmlFor={`${id}-file`}>Scanned form (optional)</label>
          <p className="hint">PDF, JPEG or PNG. Biometric consent needs a written or electronic record.</p>
          {fileErrors.length ? <p className="field-error">{fileErrors.join(" ")}</p> : null}
          <input id={`${id}-file`} type="file" accept="application/pdf,image/jpeg,image/png" onChange={(event) => setFile(event.target.files?.[0] ?? null)} />
        </div>
        <div className={`field${fieldErrors.evidence_reference ? " field--error" : ""}`}>
          <label htmlFor={`${id}-ref`}>Evidence reference (optional)</label>
          {error("evidence_reference")}
          <input id={`${id}-ref`} type="text" maxLength={300} value={reference} onChange={(event) => setReference(event.target.value)} />
        </div>
        <div className={`field${fieldErrors.notes ? " field--error" : ""}`}>
          <label htmlFor={`${id}-notes`}>Notes (optional)</label>
          {error("notes")}
          <textarea id={`${id}-notes`} rows={2} value={notes} onChange={(event) => setNotes(event.target.value)} />
        </div>
        <button type="submit" className="button button--primary" disabled={record.isPending || upload.isPending}>
          {record.isPending || upload.isPending ? "Saving…" : "Record decision"}
        </button>
      </form>
    </section>
  );
}
