import { useId } from "react";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Loading } from "../../../components/Loading";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import { useSaveSensitivity, useSensitivity, type Sensitivity } from "../api/comments";

const SENSITIVITY_WORDS: Record<string, string> = {
  strict: "Strict: holds the most harmful comments, and more ordinary ones",
  balanced: "Balanced",
  relaxed: "Relaxed: holds the fewest ordinary comments, and misses more harmful ones",
};

function percent(value: number | undefined): string {
  return value === undefined ? "" : `${Math.round(value * 1000) / 10}%`;
}

/**
 * The screening's sensitivity (issue 15): each choice is a measured operating point, shown in
 * numbers, and what the school's corrections taught the screening at its last refit.
 */
export function SensitivityPanel({ schoolId, canEdit, onSaved }: { schoolId: number; canEdit: boolean; onSaved: (message: string) => void }) {
  const id = useId();
  const current = useSensitivity(schoolId);
  const save = useSaveSensitivity(schoolId);
  if (current.isPending) return <Loading />;
  if (current.isError) return <ErrorSummary messages={errorMessages(current.error).top} />;
  const data = current.data;
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Sensitivity</h2>
      <p className="hint">What each choice held, measured on {data.measured_on}.</p>
      <ErrorSummary messages={errorMessages(save.error).top} />
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Choice</th>
            <th scope="col">Harmful held (real comments)</th>
            <th scope="col">Ordinary held (real comments)</th>
            <th scope="col">Harmful held (school comments)</th>
            <th scope="col">Ordinary held (school comments)</th>
          </tr>
        </thead>
        <tbody>
          {data.operating_points.map((point) => (
            <tr key={point.name}>
              <th scope="row">
                <label>
                  <input
                    type="radio"
                    name={`${id}-sensitivity`}
                    value={point.name}
                    checked={data.sensitivity === point.name}
                    disabled={!canEdit || save.isPending}
                    onChange={() => save.mutate(point.name as Sensitivity, { onSuccess: () => onSaved("Sensitivity saved. New comments are screened with it.") })}
                  />{" "}
                  {SENSITIVITY_WORDS[point.name] ?? point.name}
                </label>
              </th>
              <td>{percent(point.real_recall)}</td>
              <td>{percent(point.real_false_hold)}</td>
              <td>{percent(point.school_recall)}</td>
              <td>{percent(point.school_false_hold)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data.refit ? (
        <p className="hint">
          Last refit from {data.refit.corrections} moderators&apos; corrections on {formatDateTime(data.refit.fitted_at)}: harmful held{" "}
          {percent(data.refit.before.recall_harmful_held)} → {percent(data.refit.after.recall_harmful_held)}, ordinary held{" "}
          {percent(data.refit.before.false_hold_rate)} → {percent(data.refit.after.false_hold_rate)} on held-out comments.
        </p>
      ) : (
        <p className="hint">No refit from moderators&apos; corrections yet.</p>
      )}
    </section>
  );
}
