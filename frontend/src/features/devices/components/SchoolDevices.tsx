import { useState, type FormEvent } from "react";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Field } from "../../../components/Field";
import { Loading } from "../../../components/Loading";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import { useDevices, useEnrolDevice, useRevokeDevice, type Device } from "../api/devices";
import { EnrolledCredential } from "./EnrolledCredential";

export interface SchoolRef {
  id: number;
  name: string;
}

export function SchoolDevices({ school }: { school: SchoolRef }) {
  const devices = useDevices(school.id);
  const enrol = useEnrolDevice(school.id);
  const revoke = useRevokeDevice(school.id);
  const [name, setName] = useState("");
  const [confirming, setConfirming] = useState<number | null>(null);

  const enrolErrors = errorMessages(enrol.error, ["name"]);
  const revokeErrors = errorMessages(revoke.error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    enrol.mutate(name.trim(), { onSuccess: () => setName("") });
  }

  return (
    <>
      <section aria-labelledby="enrol-heading" className="panel">
        <h2 id="enrol-heading">Enrol a tablet</h2>
        {enrol.data ? (
          <EnrolledCredential device={enrol.data} onDone={() => enrol.reset()} />
        ) : (
          <form onSubmit={submit} noValidate className="form">
            <ErrorSummary messages={enrolErrors.top} />
            <Field
              name="name"
              label="Device name"
              hint="For example “Year 3 iPad”. Staff and the audit log will see this name."
              maxLength={100}
              required
              value={name}
              onChange={(event) => setName(event.target.value)}
              errors={enrolErrors.fields.name}
            />
            <button type="submit" className="button button--primary" disabled={enrol.isPending}>
              {enrol.isPending ? "Enrolling…" : "Enrol tablet"}
            </button>
          </form>
        )}
      </section>

      <section aria-labelledby="devices-heading" className="panel">
        <h2 id="devices-heading">Enrolled tablets</h2>
        <ErrorSummary messages={revokeErrors.top} title="Could not revoke" />
        {devices.isPending ? <Loading /> : null}
        {devices.isError ? <ErrorSummary messages={errorMessages(devices.error).top} /> : null}
        {devices.data && devices.data.length === 0 ? (
          <p>No tablets are enrolled at {school.name} yet.</p>
        ) : null}
        {devices.data && devices.data.length > 0 ? (
          <ul className="card-list" aria-labelledby="devices-heading">
            {devices.data.map((device) => (
              <DeviceCard
                key={device.id}
                device={device}
                confirming={confirming === device.id}
                busy={revoke.isPending && revoke.variables === device.id}
                onAskRevoke={() => setConfirming(device.id)}
                onCancel={() => setConfirming(null)}
                onRevoke={() =>
                  revoke.mutate(device.id, { onSettled: () => setConfirming(null) })
                }
              />
            ))}
          </ul>
        ) : null}
      </section>
    </>
  );
}

interface DeviceCardProps {
  device: Device;
  confirming: boolean;
  busy: boolean;
  onAskRevoke: () => void;
  onCancel: () => void;
  onRevoke: () => void;
}

function DeviceCard({ device, confirming, busy, onAskRevoke, onCancel, onRevoke }: DeviceCardProps) {
  const revoked = Boolean(device.revoked_at);
  return (
    <li className={`card${revoked ? " card--muted" : ""}`}>
      <div className="card-main">
        <h3>{device.name}</h3>
        <p className={`badge ${revoked ? "badge--revoked" : "badge--active"}`}>
          {revoked ? "Revoked" : "Active"}
        </p>
        <dl className="facts">
          <dt>Enrolled</dt>
          <dd>{formatDateTime(device.created_at)}</dd>
          <dt>Last used</dt>
          <dd>{formatDateTime(device.last_seen_at, "Not used yet")}</dd>
          {revoked ? (
            <>
              <dt>Revoked</dt>
              <dd>{formatDateTime(device.revoked_at)}</dd>
            </>
          ) : null}
        </dl>
      </div>
      {!revoked && !confirming ? (
        <button
          type="button"
          className="button button--danger-outline"
          onClick={onAskRevoke}
          aria-label={`Revoke ${device.name}`}
        >
          Revoke
        </button>
      ) : null}
      {!revoked && confirming ? (
        <div className="confirm" role="group" aria-label={`Confirm revoking ${device.name}`}>
          <p>
            Revoke “{device.name}”? It will stop being able to submit posts at once. This cannot be
            undone: to use the tablet again, enrol it again.
          </p>
          <div className="actions">
            <button type="button" className="button button--danger" onClick={onRevoke} disabled={busy}>
              {busy ? "Revoking…" : "Yes, revoke it"}
            </button>
            <button type="button" className="button button--secondary" onClick={onCancel} autoFocus>
              Keep it
            </button>
          </div>
        </div>
      ) : null}
    </li>
  );
}
