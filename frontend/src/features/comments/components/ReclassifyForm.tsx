import { useId, useState, type FormEvent } from "react";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { errorMessages } from "../../../lib/errors";
import { useReclassify, type ReclassifyBody } from "../api/comments";
import { LABEL_WORDS } from "./words";

/**
 * "Reclassify" (issue 15): tell the screening what this comment really was. The school's
 * screening learns from these at its next refit; a refit that would do worse is refused.
 */
export function ReclassifyForm({ commentId, onDone }: { commentId: number; onDone: (message: string) => void }) {
  const id = useId();
  const reclassify = useReclassify(commentId);
  const [harmful, setHarmful] = useState(false);
  const [chosen, setChosen] = useState<string[]>([]);
  const errors = errorMessages(reclassify.error, ["labels"]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const labels = harmful ? chosen : [];
    reclassify.mutate(
      { labels: labels as ReclassifyBody["labels"] },
      { onSuccess: () => onDone(harmful ? "Recorded as harmful. The screening learns from it at its next refit." : "Recorded as ordinary. The screening learns from it at its next refit.") },
    );
  }

  return (
    <details className="reclassify">
      <summary>Reclassify</summary>
      <form onSubmit={submit} aria-labelledby={`${id}-title`}>
        <p id={`${id}-title`} className="hint">
          Was the screening wrong? Say what this comment really was; the school&apos;s screening learns from it.
        </p>
        <ErrorSummary messages={[...errors.top, ...(errors.fields.labels ?? [])]} />
        <fieldset>
          <legend>This comment was</legend>
          <label>
            <input type="radio" name={`${id}-kind`} checked={!harmful} onChange={() => setHarmful(false)} /> Ordinary
          </label>
          <label>
            <input type="radio" name={`${id}-kind`} checked={harmful} onChange={() => setHarmful(true)} /> Harmful
          </label>
        </fieldset>
        {harmful ? (
          <fieldset>
            <legend>Which harm</legend>
            {Object.entries(LABEL_WORDS).map(([label, text]) => (
              <label key={label}>
                <input
                  type="checkbox"
                  checked={chosen.includes(label)}
                  onChange={(event) => setChosen((now) => (event.target.checked ? [...now, label] : now.filter((l) => l !== label)))}
                />{" "}
                {text}
              </label>
            ))}
          </fieldset>
        ) : null}
        <div className="actions">
          <button type="submit" className="button button--secondary" disabled={reclassify.isPending || (harmful && chosen.length === 0)}>
            Save
          </button>
        </div>
      </form>
    </details>
  );
}
