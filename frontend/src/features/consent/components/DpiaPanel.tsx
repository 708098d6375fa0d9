import { useId, useState, type FormEvent } from "react";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { StatusBadge } from "../../../components/StatusBadge";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import { useClearDpia, useDpia, useRecordDpia } from "../api/consent";
import { DPIA_ROLES, hasAny, READ_ROLES, type ConsentSchool } from "./labels";

/** R19: face identification stays off until a DPIA and the DPO's sign-off are recorded. */
export function DpiaPanel({ school }: { school: ConsentSchool }) {
  if (!hasAny(school, [...READ_ROLES, "trust_admin"])) return null;
  return <Dpia school={school} />;
}

function Dpia({ school }: { school: ConsentSchool }) {
  const id = useId();
  const dpia = useDpia(school.id);
  const record = useRecordDpia(school.id);
  const clear = useClearDpia(school.id);
  const [editing, setEditing] = useState(false);
  const [confirmClear, setConfirmClear] = useState(false);
  const [form, setForm] = useState({ reference: "", dpo_name: "", signed_at: "" });
  const errors = errorMessages(record.error ?? clear.error, ["reference", "dpo_name", "signed_at"]);
  const canChange = hasAny(school, DPIA_ROLES);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    record.mutate(
      { reference: form.reference.trim(), dpo_name: form.dpo_name.trim(), signed_at: form.signed_at ? new Date(form.signed_at).toISOString() : null },
      { onSuccess: () => setEditing(false) },
    );
  }

  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Face identification</h2>
      {dpia.isError ? <ErrorSummary messages={errorMessages(dpia.error).top} /> : null}
      {dpia.data ? (
        <>
          <p>
            {dpia.data.face_identification_enabled ? (
              <StatusBadge label="On" tone="ok" icon="check" prefix="Face identification:" />
            ) : (
              <StatusBadge label="Off" tone="neutral" icon="cross" prefix="Face identification:" />
            )}
          </p>
          {dpia.data.face_identification_enabled ? (
            <dl className="facts">
              <dt>DPIA reference</dt>
              <dd>{dpia.data.dpia_reference}</dd>
              <dt>Signed off by</dt>
              <dd>{dpia.data.dpo_name}</dd>
              <dt>Signed</dt>
              <dd>{formatDateTime(dpia.data.dpia_signed_at)}</dd>
            </dl>
          ) : (
            <p className="hint">
              Until a data protection impact assessment is recorded with the data protection officer&apos;s sign-off, faces are found but
              never matched to people: staff tag them by hand, and the same consent checks apply.
            </p>
          )}
          <ErrorSummary messages={errors.top} />
          {canChange && !editing && !confirmClear ? (
            <div className="actions">
              <button type="button" className="button button--secondary" onClick={() => setEditing(true)}>
                {dpia.data.face_identification_enabled ? "Record a new DPIA" : "Record the DPIA and turn it on"}
              </button>
              {dpia.data.face_identification_enabled ? (
                <button type="button" className="button button--danger-outline" onClick={() => setConfirmClear(true)}>
                  Turn face identification off
                </button>
              ) : null}
            </div>
          ) : null}
          {confirmClear ? (
            <div className="confirm" role="group" aria-label="Confirm turning face identification off">
              <p>Turn face identification off? Faces will need tagging by hand.</p>
              <div className="actions">
                <button type="button" className="button button--danger" onClick={() => clear.mutate(undefined, { onSuccess: () => setConfirmClear(false) })}>
                  Yes, turn it off
                </button>
                <button type="button" className="button button--secondary" onClick={() => setConfirmClear(false)} autoFocus>
                  Keep it on
                </button>
              </div>
            </div>
          ) : null}
          {editing ? (
            <form className="form" onSubmit={submit} noValidate>
              {(
                [
                  ["reference", "DPIA reference", "text"],
                  ["dpo_name", "Data protection officer who signed it off", "text"],
                  ["signed_at", "Signed on (optional)", "datetime-local"],
                ] as const
              ).map(([name, text, type]) => (
                <div key={name} className={`field${errors.fields[name] ? " field--error" : ""}`}>
                  <label htmlFor={`${id}-${name}`}>{text}</label>
                  {errors.fields[name] ? (
                    <p className="field-error" id={`${id}-${name}-error`}>
                      {errors.fields[name].join(" ")}
                    </p>
                  ) : null}
                  <input
                    id={`${id}-${name}`}
                    type={type}
                    value={form[name]}
                    aria-invalid={errors.fields[name] ? true : undefined}
                    aria-describedby={errors.fields[name] ? `${id}-${name}-error` : undefined}
                    onChange={(event) => setForm({ ...form, [name]: event.target.value })}
                  />
                </div>
              ))}
              <div className="actions">
                <button type="submit" className="button button--primary" disabled={record.isPending}>
                  Save
                </button>
                <button type="button" className="button button--secondary" onClick={() => setEditing(false)}>
                  Cancel
                </button>
              </div>
            </form>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
