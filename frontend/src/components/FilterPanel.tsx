import { useId, type ReactNode } from "react";

/**
 * A list page's filters, folded away under "Filters" so the list itself comes first on a
 * phone; open when any filter differs from the page's default, so a shared address shows
 * what it filters by.
 */
export function FilterPanel({ active, children }: { active: boolean; children: ReactNode }) {
  return (
    <details className="filters panel" open={active}>
      <summary>Filters</summary>
      <div className="filters__grid">{children}</div>
    </details>
  );
}

/** One choice among a filter's options; `value` "" is the first option when `any` is given. */
export function FilterSelect({
  label,
  value,
  options,
  any,
  onChange,
}: {
  label: string;
  value: string;
  options: Array<[value: string, label: string]>;
  any?: string;
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        {any !== undefined ? <option value="">{any}</option> : null}
        {options.map(([key, text]) => (
          <option key={key} value={key}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}
