import { useEffect, useId, useRef, useState, type FormEvent, type MouseEvent } from "react";
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
  const errors = errorMessages(enrol.error, ["photos", "face_points"]);
  const photoErrors = [
    ...(none ? ["Choose at least one photo."] : []),
    ...(errors.fields.photos ?? []),
    ...(errors.fields.face_points ?? []),
    ...errors.top,
  ];
  // Several faces of similar size in one photo: the administrator points at the person's.
  const canPoint = files.length === 1 && (errors.code === "many_faces" || Boolean(errors.fields.face_points));

  function send(facePoints?: string[]) {
    enrol.mutate({ photos: files, facePoints }, {
      onSuccess: (created) => {
        setFiles([]);
        if (input.current) input.current.value = "";
        onDone(`${created.length} reference photo${created.length === 1 ? "" : "s"} of ${name} enrolled.`);
      },
      onError: () => input.current?.focus(),
    });
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (files.length === 0) {
      setNone(true);
      input.current?.focus();
      return;
    }
    setNone(false);
    send();
  }

  function pointAt(event: MouseEvent<HTMLImageElement>) {
    const area = event.currentTarget.getBoundingClientRect();
    if (area.width <= 0 || area.height <= 0) return;
    const x = Math.min(1, Math.max(0, (event.clientX - area.left) / area.width));
    const y = Math.min(1, Math.max(0, (event.clientY - area.top) / area.height));
    send([`${x.toFixed(3)},${y.toFixed(3)}`]);
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
        {canPoint && files[0] ? <FacePicker file={files[0]} name={name} onPoint={pointAt} /> : null}
        <button type="submit" className="button button--secondary" disabled={enrol.isPending}>
          {enrol.isPending ? "Enrolling…" : "Enrol photos"}
        </button>
      </form>
    </section>
  );
}

function FacePicker({ file, name, onPoint }: { file: File; name: string; onPoint: (event: MouseEvent<HTMLImageElement>) => void }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const made = URL.createObjectURL(file);
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [file]);
  if (!url) return null;
  return (
    <figure className="face-picker">
      <figcaption>Tap {name}&apos;s face on the photo to enrol that face only.</figcaption>
      <img src={url} alt={`The photo to enrol. Tap ${name}'s face.`} onClick={onPoint} style={{ maxWidth: "100%", cursor: "crosshair" }} />
    </figure>
  );
}
