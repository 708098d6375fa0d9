import { useState, type FormEvent } from "react";
import { formatDateTime } from "../../lib/format";
import type { Note } from "../../lib/post";

const KIND_LABELS: Record<string, string> = {
  rejection: "Rejected",
  changes_requested: "Changes requested",
  comment: "Comment",
};

/** The conversation on a post between its author and the leaders. */
export function NoteThread({
  notes,
  onSend,
  sending,
  error,
}: {
  notes: Note[];
  onSend?: ((text: string, done: () => void) => void) | undefined;
  sending?: boolean;
  error?: string[] | undefined;
}) {
  const [text, setText] = useState("");
  const [blank, setBlank] = useState(false);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!text.trim()) {
      setBlank(true);
      return;
    }
    setBlank(false);
    onSend?.(text.trim(), () => setText(""));
  }

  const errors = [...(blank ? ["Write something first."] : []), ...(error ?? [])];
  return (
    <section className="panel" aria-labelledby="thread-heading">
      <h2 id="thread-heading">Conversation</h2>
      {notes.length === 0 ? (
        <p className="hint">No messages yet.</p>
      ) : (
        <ol className="thread">
          {notes.map((note) => (
            <li key={note.id} className={`note note--${note.kind}`}>
              <p className="note__meta">
                <strong>{note.author}</strong>
                {note.kind !== "comment" ? <span className="badge">{KIND_LABELS[note.kind] ?? note.kind}</span> : null}
                <span className="hint">
                  {formatDateTime(note.createdAt)}
                  {note.version !== null ? ` · version ${note.version}` : ""}
                </span>
              </p>
              <p className="note__text">{note.text}</p>
            </li>
          ))}
        </ol>
      )}
      {onSend ? (
        <form className="form" onSubmit={submit} noValidate>
          <div className={`field${errors.length ? " field--error" : ""}`}>
            <label htmlFor="field-note">Write a message</label>
            {errors.length ? (
              <p className="field-error" id="field-note-error">
                {errors.map((message) => (
                  <span key={message}>{message}</span>
                ))}
              </p>
            ) : null}
            <textarea
              id="field-note"
              rows={3}
              value={text}
              maxLength={5000}
              aria-invalid={errors.length ? true : undefined}
              aria-describedby={errors.length ? "field-note-error" : undefined}
              onChange={(event) => setText(event.target.value)}
            />
          </div>
          <button type="submit" className="button button--secondary" disabled={sending}>
            {sending ? "Sending…" : "Send message"}
          </button>
        </form>
      ) : null}
    </section>
  );
}
