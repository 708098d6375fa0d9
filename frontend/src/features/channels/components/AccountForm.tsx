import { useId, useState, type FormEvent } from "react";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { errorMessages } from "../../../lib/errors";
import { useConnectChannel, useUpdateChannel, type AccountField, type ChannelAccount, type ChannelKindSpec } from "../api/channels";

/**
 * Connect a channel, or change one, with the fields its kind declares on the server
 * (`GET /api/channels/kinds`). Secret fields are password inputs that always start
 * empty: the API never sends a secret back, and a blank field keeps the stored one. What
 * was typed lives only in this form's state, which goes when the form closes.
 */
export function AccountForm({
  schoolId,
  spec,
  account,
  onSaved,
  onCancel,
}: {
  schoolId: number;
  spec: ChannelKindSpec;
  account?: ChannelAccount | undefined;
  onSaved: (message: string) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const kind = spec.kind;
  const secretFields = spec.fields.filter((field) => field.secret);
  const configFields = spec.fields.filter((field) => !field.secret);
  const connect = useConnectChannel(schoolId);
  const update = useUpdateChannel(schoolId);
  const save = account ? update : connect;
  const [displayName, setDisplayName] = useState(account?.display_name ?? spec.label);
  const [config, setConfig] = useState<Record<string, string>>(() => Object.fromEntries(configFields.map((f) => [f.name, account?.config[f.name] ?? ""])));
  const [secrets, setSecrets] = useState<Record<string, string>>(() => Object.fromEntries(secretFields.map((f) => [f.name, ""])));
  const [local, setLocal] = useState<Record<string, string[]>>({});
  const stored = new Set(account?.credentials_set ?? []);
  const fieldNames = ["display_name", "credentials", ...spec.fields.map((f) => f.name)];
  const server = errorMessages(save.error, fieldNames);
  const errors: Record<string, string[]> = { ...server.fields, ...local };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problems: Record<string, string[]> = {};
    if (!displayName.trim()) problems.display_name = ["Give the account a name staff will recognise."];
    for (const field of configFields) {
      if (field.required && !config[field.name]?.trim()) problems[field.name] = [`Enter the ${field.label}.`];
    }
    for (const field of secretFields) {
      if (field.required && !secrets[field.name]?.trim() && !stored.has(field.name)) problems[field.name] = [`Enter the ${field.label}.`];
    }
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    // Only the secrets typed now are sent; blank ones keep what is stored.
    const credentials = Object.fromEntries(Object.entries(secrets).flatMap(([name, value]) => (value.trim() ? [[name, value.trim()]] : [])));
    const typed = Object.keys(credentials).length;
    const done = () => {
      setSecrets(Object.fromEntries(secretFields.map((f) => [f.name, ""])));
      onSaved(
        account
          ? `${displayName.trim()} saved.${typed ? " The new credentials are stored: run a health check to test them." : ""}`
          : `${displayName.trim()} connected. Run a health check to test it.`,
      );
    };
    if (account) {
      update.mutate(
        { accountId: account.id, display_name: displayName.trim(), config: trimmed(config), ...(typed ? { credentials } : {}) },
        { onSuccess: done },
      );
    } else {
      connect.mutate(
        { kind, display_name: displayName.trim(), enabled: true, config: nonBlank(config), ...(typed ? { credentials } : {}) },
        { onSuccess: done },
      );
    }
  }

  const basic = configFields.filter((f) => !f.advanced);
  const advanced = configFields.filter((f) => f.advanced);
  return (
    <form className="form account-form" onSubmit={submit} noValidate autoComplete="off">
      {spec.help_text ? <p className="hint">{spec.help_text}</p> : null}
      <ErrorSummary messages={server.top} />
      <TextField id={`${id}-display_name`} field={DISPLAY_NAME} value={displayName} onChange={setDisplayName} errors={errors.display_name} />
      {basic.map((field) => (
        <TextField
          key={field.name}
          id={`${id}-${field.name}`}
          field={field}
          value={config[field.name] ?? ""}
          onChange={(value) => setConfig((c) => ({ ...c, [field.name]: value }))}
          errors={errors[field.name]}
        />
      ))}
      {secretFields.length > 0 ? (
        <fieldset className="fieldset secrets">
          <legend>Credentials</legend>
          <p className="hint">
            {account
              ? "Stored credentials are never shown. Leave a field blank to keep what is stored; type in it to replace it."
              : "Paste each one from the platform's developer settings. They are stored encrypted and never shown again."}
          </p>
          {errors.credentials ? <p className="field-error">{errors.credentials.join(" ")}</p> : null}
          {secretFields.map((field) => (
            <SecretField
              key={field.name}
              id={`${id}-${field.name}`}
              field={field}
              stored={stored.has(field.name)}
              value={secrets[field.name] ?? ""}
              onChange={(value) => setSecrets((s) => ({ ...s, [field.name]: value }))}
              errors={errors[field.name]}
            />
          ))}
        </fieldset>
      ) : null}
      {advanced.length > 0 ? (
        <details className="typed-box" open={advanced.some((f) => Boolean(config[f.name]) || Boolean(errors[f.name]))}>
          <summary>Advanced (development only)</summary>
          {advanced.map((field) => (
            <TextField
              key={field.name}
              id={`${id}-${field.name}`}
              field={field}
              value={config[field.name] ?? ""}
              onChange={(value) => setConfig((c) => ({ ...c, [field.name]: value }))}
              errors={errors[field.name]}
            />
          ))}
        </details>
      ) : null}
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : account ? "Save changes" : `Connect ${spec.label}`}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function trimmed(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, value.trim()]));
}
function nonBlank(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(trimmed(values)).filter(([, value]) => value !== ""));
}

function describedBy(...ids: Array<string | false | undefined>): string | undefined {
  return ids.filter(Boolean).join(" ") || undefined;
}

/** The account's own name, asked of every kind. */
const DISPLAY_NAME: Pick<AccountField, "label" | "help_text" | "input_type"> = { label: "Name staff will see", help_text: "", input_type: "text" };

function TextField({
  id,
  field,
  value,
  onChange,
  errors = [],
}: {
  id: string;
  field: Pick<AccountField, "label" | "help_text" | "input_type">;
  value: string;
  onChange: (value: string) => void;
  errors?: string[] | undefined;
}) {
  const hint = field.help_text;
  return (
    <div className={`field${errors.length ? " field--error" : ""}`}>
      <label htmlFor={id}>{field.label}</label>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {errors.length ? (
        <p className="field-error" id={`${id}-error`}>
          {errors.map((message) => (
            <span key={message}>{message}</span>
          ))}
        </p>
      ) : null}
      <input
        id={id}
        type={field.input_type}
        value={value}
        spellCheck={false}
        autoCapitalize="off"
        aria-invalid={errors.length ? true : undefined}
        aria-describedby={describedBy(hint && `${id}-hint`, errors.length > 0 && `${id}-error`)}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}

function SecretField({
  id,
  field,
  stored,
  value,
  onChange,
  errors = [],
}: {
  id: string;
  field: AccountField;
  stored: boolean;
  value: string;
  onChange: (value: string) => void;
  errors?: string[] | undefined;
}) {
  const state = stored ? "Stored (not shown). Leave blank to keep it." : field.required ? "Not set yet: needed." : "Not set (optional).";
  return (
    <div className={`field${errors.length ? " field--error" : ""}`}>
      <label htmlFor={id}>{field.label}</label>
      <p className="hint" id={`${id}-hint`}>
        {state}
        {field.help_text ? ` ${field.help_text}` : ""}
      </p>
      {errors.length ? (
        <p className="field-error" id={`${id}-error`}>
          {errors.map((message) => (
            <span key={message}>{message}</span>
          ))}
        </p>
      ) : null}
      {/* new-password: the browser must not fill in the user's own password here. */}
      <input
        id={id}
        type="password"
        value={value}
        autoComplete="new-password"
        spellCheck={false}
        autoCapitalize="off"
        aria-invalid={errors.length ? true : undefined}
        aria-describedby={describedBy(`${id}-hint`, errors.length > 0 && `${id}-error`)}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}
