import { useId, useRef, useState, type FormEvent } from "react";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import { useDeleteEnrolment, useEnrol, useEnrolments } from "../api/consent";

/** Reference photos for face matching (R3): used only with biometric consent and a signed DPIA. */
export function EnrolPhotos({ personId, name, onDone }: { personId: number; name: string; onDone: (message: string) => void }) {
  const id = useId();
  const enrolments = useEnrolments(personId, true);
  const enrol = useEnrol(personId);
  const remove = useDeleteEnrolment(personId);
  const input = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [none, setNone] = useState(false);
  const errors = errorMessages(enrol.error, ["photos"]);
  const photoErrors = [...(none ? ["Choose at least one photo."] : []), ...(errors.fields.photos ?? []), ...errors.top];

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (files.length === 0) {
      setNone(true);
      input.current?.focus();
      return;
    }
    setNone(false);
    enrol.mutate(files, {
      onSuccess: (created) => {
        setFiles([]);
        if (input.current) input.current.value = "";
        onDone(`${created.length} reference photo${created.length === 1 ? "" : "s"} of ${name} enrolled.`);
      },
      onError: () => input.current?.focus(),
    });
  }

  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Reference photos for face matching</h2>
      <p className="hint">
        Used only while {name} has biometric consent (and no objection) and the school&apos;s DPIA is signed off. Clear, front-facing photos
        of one face.
      </p>
      {enrolments.data && enrolments.data.length > 0 ? (
        <ul className="plain-list">
          {enrolments.data.map((e) => (
            <li key={e.id}>
              Enrolled {formatDateTime(e.created_at)}
              <button
                type="button"
                className="button button--link"
                disabled={remove.isPending}
                onClick={() => remove.mutate(e.id, { onSuccess: () => onDone("Reference photo deleted.") })}
              >
                Delete<span className="visually-hidden"> the reference photo enrolled {formatDateTime(e.created_at)}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : enrolments.data ? (
        <p>None yet.</p>
      ) : null}
      <form className="form" onSubmit={submit} noValidate>
        <div className={`field${photoErrors.length ? " field--error" : ""}`}>
          <label htmlFor={`${id}-photos`}>Photos (up to 5)</label>
          {photoErrors.length ? (
            <p className="field-error" id={`${id}-photos-error`}>
              {photoErrors.map((m) => (
                <span key={m}>{m}</span>
              ))}
            </p>
          ) : null}
          <input
            ref={input}
            id={`${id}-photos`}
            type="file"
            accept="image/jpeg,image/png,image/heic"
            multiple
            aria-invalid={photoErrors.length ? true : undefined}
            aria-describedby={photoErrors.length ? `${id}-photos-error` : undefined}
            onChange={(event) => setFiles(Array.from(event.target.files ?? []).slice(0, 5))}
          />
        </div>
        <button type="submit" className="button button--secondary" disabled={enrol.isPending}>
          {enrol.isPending ? "Enrolling…" : "Enrol photos"}
        </button>
      </form>
    </section>
  );
}
