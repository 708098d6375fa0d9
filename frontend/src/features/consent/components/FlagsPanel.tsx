import { useId, useState, type FormEvent } from "react";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import { useAddFlag, useEndFlag, useFlags, type FlagKind } from "../api/consent";
import { FLAG_LABELS, label } from "./labels";

/** R16, for the DSL and leaders only: a flag blocks any post featuring the person. */
export function FlagsPanel({ personId, onDone }: { personId: number; onDone: (message: string) => void }) {
  const id = useId();
  const flags = useFlags(personId, true);
  const add = useAddFlag(personId);
  const end = useEndFlag(personId);
  const [kind, setKind] = useState<FlagKind>("looked_after");
  const [note, setNote] = useState("");
  const problems = [...errorMessages(add.error).top, ...errorMessages(end.error).top];

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    add.mutate({ kind, note: note.trim() }, { onSuccess: () => { setNote(""); onDone("Safeguarding flag added. Staff now see “Do not publish”."); } });
  }

  return (
    <section className="panel panel--sensitive" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Safeguarding flags (DSL and leaders only)</h2>
      {problems.length ? <p className="field-error" role="alert">{problems.join(" ")}</p> : null}
      {flags.data && flags.data.length > 0 ? (
        <ul className="plain-list">
          {flags.data.map((flag) => (
            <li key={flag.id}>
              <strong>{label(FLAG_LABELS, flag.kind)}</strong> since {formatDateTime(flag.created_at)}
              {flag.ended_at ? ` · ended ${formatDateTime(flag.ended_at)}` : ""}
              {flag.note ? <p>{flag.note}</p> : null}
              {!flag.ended_at ? (
                <button type="button" className="button button--secondary" disabled={end.isPending} onClick={() => end.mutate(flag.id, { onSuccess: () => onDone("Flag ended.") })}>
                  End this flag
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : flags.data ? (
        <p>No flags.</p>
      ) : null}
      <form className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-kind`}>Add a flag</label>
          <select id={`${id}-kind`} value={kind} onChange={(event) => setKind(event.target.value as FlagKind)}>
            {Object.entries(FLAG_LABELS).map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-note`}>Note (only the DSL and leaders see it)</label>
          <textarea id={`${id}-note`} rows={2} value={note} onChange={(event) => setNote(event.target.value)} />
        </div>
        <button type="submit" className="button button--danger" disabled={add.isPending}>
          Add flag
        </button>
      </form>
    </section>
  );
}
