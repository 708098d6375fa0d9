/**
 * The row under a form: the main action (which says it is working while the request is out)
 * and Cancel. Without `onSubmit` the main button submits the form it sits in; with it, the
 * button acts alone (for panels that are not forms, such as drawing a face box).
 */
export function FormActions({
  label,
  pendingLabel = "Saving…",
  pending = false,
  onSubmit,
  onCancel,
  cancelLabel = "Cancel",
  tone = "primary",
}: {
  label: string;
  pendingLabel?: string;
  pending?: boolean;
  onSubmit?: () => void;
  onCancel?: (() => void) | undefined;
  cancelLabel?: string;
  tone?: "primary" | "danger";
}) {
  return (
    <div className="actions">
      <button type={onSubmit ? "button" : "submit"} className={`button button--${tone}`} disabled={pending} onClick={onSubmit}>
        {pending ? pendingLabel : label}
      </button>
      {onCancel ? (
        <button type="button" className="button button--secondary" onClick={onCancel}>
          {cancelLabel}
        </button>
      ) : null}
    </div>
  );
}
