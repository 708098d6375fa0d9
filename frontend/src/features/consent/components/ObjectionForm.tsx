import { useId, useState, type FormEvent } from "react";
import { errorMessages } from "../../../lib/errors";
import { useObjection } from "../api/consent";

/** R18: anyone on the staff logs a pupil's own objection, however it was made. It wins at once. */
export function ObjectionForm({ personId, name, onDone }: { personId: number; name: string; onDone: (message: string) => void }) {
  const id = useId();
  const objection = useObjection(personId);
  const [open, setOpen] = useState(false);
  const [method, setMethod] = useState<"verbal" | "paper_form" | "electronic_form">("verbal");
  const [notes, setNotes] = useState("");
  const problems = errorMessages(objection.error, []).top;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    objection.mutate(
      { method, notes: notes.trim() },
      {
        onSuccess: (result) => {
          setOpen(false);
          setNotes("");
          onDone(`${name}'s objection is recorded (${result.recorded} record${result.recorded === 1 ? "" : "s"}). Their photo and name will not be published.`);
        },
      },
    );
  }

  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{name} does not want to appear?</h2>
      <p>If {name} says they do not want their photo or name published, record it here. It counts however they said it, and overrides any consent.</p>
      {open ? (
        <form className="form" onSubmit={submit} noValidate>
          {problems.length ? <p className="field-error" role="alert">{problems.join(" ")}</p> : null}
          <div className="field">
            <label htmlFor={`${id}-method`}>How did they say it?</label>
            <select id={`${id}-method`} value={method} onChange={(event) => setMethod(event.target.value as typeof method)}>
              <option value="verbal">They told a member of staff</option>
              <option value="paper_form">On paper</option>
              <option value="electronic_form">Electronically</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-notes`}>What happened (optional)</label>
            <textarea id={`${id}-notes`} rows={2} value={notes} onChange={(event) => setNotes(event.target.value)} />
          </div>
          <div className="actions">
            <button type="submit" className="button button--danger" disabled={objection.isPending}>
              Record the objection
            </button>
            <button type="button" className="button button--secondary" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="button button--secondary" onClick={() => setOpen(true)}>
          Record an objection
        </button>
      )}
    </section>
  );
}
