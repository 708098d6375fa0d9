import { useId, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Icon } from "../../../components/Icon";
import { errorMessages } from "../../../lib/errors";
import { exportUrl, useErase, useLeave } from "../api/consent";

function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Consent administrators: mark a person as left (R17, R10). */
export function LeavePanel({ personId, name, onDone }: { personId: number; name: string; onDone: (message: string) => void }) {
  const id = useId();
  const leave = useLeave(personId);
  const [leftOn, setLeftOn] = useState(today());
  const errors = errorMessages(leave.error, ["left_on"]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    leave.mutate(leftOn || null, { onSuccess: () => onDone(`${name} marked as left. Their consent has ended and posts featuring them are being taken down.`) });
  }

  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Mark as left</h2>
      <p>
        When someone leaves, every consent they had ends (and stays void if they come back until it is given again), their reference photos
        are deleted, and every published post featuring them is taken down.
      </p>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorSummary messages={errors.top} />
        <div className={`field${errors.fields.left_on ? " field--error" : ""}`}>
          <label htmlFor={`${id}-date`}>Date they left</label>
          {errors.fields.left_on ? (
            <p className="field-error" id={`${id}-date-error`}>
              {errors.fields.left_on.join(" ")}
            </p>
          ) : null}
          <input
            id={`${id}-date`}
            type="date"
            max={today()}
            value={leftOn}
            aria-invalid={errors.fields.left_on ? true : undefined}
            aria-describedby={errors.fields.left_on ? `${id}-date-error` : undefined}
            onChange={(event) => setLeftOn(event.target.value)}
          />
        </div>
        <button type="submit" className="button button--danger-outline" disabled={leave.isPending}>
          {leave.isPending ? "Saving…" : `Mark ${name} as left`}
        </button>
      </form>
    </section>
  );
}

/** Subject access (R15): everything held about the person, as a ZIP. */
export function ExportPanel({ personId, name }: { personId: number; name: string }) {
  const id = useId();
  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Subject access request</h2>
      <p>Download everything held about {name}: register details, contacts, consent records and evidence, reference photos and flags. Each download is recorded.</p>
      <a className="button button--secondary" href={exportUrl(personId)} download>
        Download {name}&apos;s data (ZIP)
      </a>
    </section>
  );
}

/**
 * Right to erasure (R15). The API asks for the person's MIS id (or record number when there is
 * none) typed out, so nobody erases the wrong person by a slip.
 */
export function ErasePanel({
  personId,
  schoolId,
  name,
  confirmWord,
  confirmWhat,
}: {
  personId: number;
  schoolId: number;
  name: string;
  confirmWord: string;
  /** What `confirmWord` is, in words ("Their MIS id."). */
  confirmWhat: string;
}) {
  const id = useId();
  const navigate = useNavigate();
  const erase = useErase(personId);
  const [typed, setTyped] = useState("");
  const [wrong, setWrong] = useState(false);
  const errors = errorMessages(erase.error, ["confirm"]);
  const confirmErrors = [...(wrong ? [`Type ${confirmWord} exactly to confirm.`] : []), ...(errors.fields.confirm ?? [])];

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (typed.trim() !== confirmWord) {
      setWrong(true);
      return;
    }
    setWrong(false);
    erase.mutate(typed.trim(), {
      onSuccess: () => navigate(`/consent/${schoolId}`, { replace: true, state: { flash: `${name} was erased. The audit trail keeps only that it happened.` } }),
    });
  }

  return (
    <section className="panel panel--sensitive" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>
        <Icon name="alert" /> Erase {name}
      </h2>
      <p>
        Erasing deletes their details, contacts, evidence files, reference photos and flags, and reduces their consent records to what the
        law requires. Published posts featuring them are taken down. <strong>It cannot be undone.</strong>
      </p>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorSummary messages={errors.top} />
        <div className={`field${confirmErrors.length ? " field--error" : ""}`}>
          <label htmlFor={`${id}-confirm`}>
            To confirm, type <strong className="credential">{confirmWord}</strong>
          </label>
          <p className="hint" id={`${id}-confirm-hint`}>
            {confirmWhat}
          </p>
          {confirmErrors.length ? (
            <p className="field-error" id={`${id}-confirm-error`}>
              {confirmErrors.join(" ")}
            </p>
          ) : null}
          <input
            id={`${id}-confirm`}
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={typed}
            aria-invalid={confirmErrors.length ? true : undefined}
            aria-describedby={[`${id}-confirm-hint`, confirmErrors.length ? `${id}-confirm-error` : ""].filter(Boolean).join(" ")}
            onChange={(event) => setTyped(event.target.value)}
          />
        </div>
        <button type="submit" className="button button--danger" disabled={erase.isPending}>
          {erase.isPending ? "Erasing…" : `Erase ${name}`}
        </button>
      </form>
    </section>
  );
}
