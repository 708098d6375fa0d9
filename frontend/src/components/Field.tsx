import type { InputHTMLAttributes, ReactNode, Ref } from "react";

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "name"> {
  name: string;
  label: string;
  hint?: ReactNode;
  errors?: string[] | undefined;
  ref?: Ref<HTMLInputElement>;
}

/** A labelled input with its hint and its own error messages next to it. */
export function Field({ name, label, hint, errors = [], className, ref, ...input }: FieldProps) {
  const id = `field-${name}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors.length > 0 ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${errors.length > 0 ? " field--error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {errorId ? (
        <p className="field-error" id={errorId}>
          {errors.map((message) => (
            <span key={message}>{message}</span>
          ))}
        </p>
      ) : null}
      <input
        ref={ref}
        id={id}
        name={name}
        aria-invalid={errors.length > 0 || undefined}
        aria-describedby={describedBy}
        className={className}
        {...input}
      />
    </div>
  );
}
