import { useState, type FormEvent } from "react";
import { Icon } from "../../../components/Icon";
import { Page } from "../../../components/Page";
import { errorMessages } from "../../../lib/errors";
import { useCurrentDevice } from "../api/devices";
import {
  credentialLabel,
  forgetDeviceCredential,
  looksLikeDeviceCredential,
  readDeviceCredential,
  storeDeviceCredential,
} from "../../../lib/deviceCredential";

const NOT_A_CREDENTIAL =
  "This does not look like a device credential. It starts with dev_ and is about 60 characters long: copy it again from the Devices screen.";

/**
 * Staff (or the IT technician) paste the tablet's credential here once. It is kept in this
 * browser and sent as X-Device-Token with every change the app asks of the server (R7).
 */
export function ThisTabletPage() {
  const [stored, setStored] = useState<string | null>(() => readDeviceCredential());
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [confirmingRemove, setConfirmingRemove] = useState(false);
  const [saved, setSaved] = useState(false);
  const check = useCurrentDevice(stored);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!looksLikeDeviceCredential(value)) {
      setError(NOT_A_CREDENTIAL);
      return;
    }
    storeDeviceCredential(value);
    setStored(readDeviceCredential());
    setValue("");
    setError(null);
    setSaved(true);
  }

  function remove() {
    forgetDeviceCredential();
    setStored(null);
    setConfirmingRemove(false);
    setSaved(false);
  }

  return (
    <Page title="This tablet">
      {stored ? (
        <div className="notice notice--ok" role="status">
          <p>
            <strong>This tablet is set up for posting.</strong> Its credential (
            <code>{credentialLabel(stored)}</code>) is stored in this browser.
            {saved ? " Saved just now." : null}
          </p>
          {check.isPending ? <p className="loading">Checking it with the server…</p> : null}
          {check.data ? (
            <p>
              <Icon name="check" /> Checked with the server: this is <strong>{check.data.name}</strong> at{" "}
              <strong>{check.data.school_name}</strong>.
            </p>
          ) : null}
        </div>
      ) : null}
      {stored && check.isError ? (
        <div className="warning" role="alert">
          <p>
            <strong>
              <Icon name="cross" /> This credential does not work.
            </strong>{" "}
            {errorMessages(check.error).top.join(" ")} Paste a new one from the Devices screen, or ask your trust administrator.
          </p>
          <button type="button" className="button button--secondary" onClick={() => void check.refetch()}>
            Check again
          </button>
        </div>
      ) : null}
      {!stored ? (
        <div className="notice notice--warn" role="status">
          <p>
            <strong>This tablet is not set up for posting.</strong> Posts can only be submitted
            from an enrolled school tablet. Ask your trust administrator or IT technician for this
            tablet&apos;s credential.
          </p>
        </div>
      ) : null}

      <form onSubmit={submit} noValidate className="form panel">
        <h2>{stored ? "Replace the credential" : "Store the credential"}</h2>
        <div className={`field${error ? " field--error" : ""}`}>
          <label htmlFor="field-credential">Device credential</label>
          <p className="hint" id="field-credential-hint">
            Paste the credential shown when this tablet was enrolled. It is stored only on this
            tablet, in this browser.
          </p>
          {error ? (
            <p className="field-error" id="field-credential-error">
              {error}
            </p>
          ) : null}
          <textarea
            id="field-credential"
            name="credential"
            className="credential"
            rows={2}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            aria-invalid={error ? true : undefined}
            aria-describedby={`field-credential-hint${error ? " field-credential-error" : ""}`}
            value={value}
            onChange={(event) => setValue(event.target.value)}
          />
        </div>
        <button type="submit" className="button button--primary">
          Save on this tablet
        </button>
      </form>

      {stored ? (
        <section className="panel" aria-labelledby="remove-heading">
          <h2 id="remove-heading">Remove the credential</h2>
          <p>Do this before the tablet leaves the school or is given to someone else.</p>
          {confirmingRemove ? (
            <div className="confirm" role="group" aria-label="Confirm removing the credential">
              <p>Remove it? Posts cannot be submitted from this tablet until it is pasted again.</p>
              <div className="actions">
                <button type="button" className="button button--danger" onClick={remove}>
                  Yes, remove it
                </button>
                <button
                  type="button"
                  className="button button--secondary"
                  onClick={() => setConfirmingRemove(false)}
                  autoFocus
                >
                  Keep it
                </button>
              </div>
            </div>
          ) : (
            <button
              type="button"
              className="button button--danger-outline"
              onClick={() => setConfirmingRemove(true)}
            >
              Remove from this tablet
            </button>
          )}
        </section>
      ) : null}
    </Page>
  );
}
