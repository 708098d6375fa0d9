import { useId, useState, type FormEvent } from "react";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Flash } from "../../../components/Flash";
import { Icon } from "../../../components/Icon";
import { Loading } from "../../../components/Loading";
import { Page } from "../../../components/Page";
import { StatusBadge } from "../../../components/StatusBadge";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import { usePublishing, useSetPublishing } from "../api/queue";
import { PhotoGuidanceForm } from "./PhotoGuidanceForm";

export interface PublishingSchool {
  id: number;
  name: string;
  /** Trust administrators may pause every school of the trust at once. */
  trustAdmin: boolean;
}

/** Emergency stop: pause (with a reason) or resume publishing, per school; and the photos it publishes (R21). */
export function PublishingPage({ schools }: { schools: PublishingSchool[] }) {
  const [flash, setFlash] = useState<{ message: string | null; stamp: number }>({ message: null, stamp: 0 });
  return (
    <Page title="Publishing">
      <p>
        Pause publishing at once if something has gone wrong (for example, a photo that should not be online). Nothing is published while
        it is paused: approved and scheduled posts wait until it is resumed.
      </p>
      <Flash message={flash.message} stamp={flash.stamp} />
      {schools.map((school) => (
        <SchoolPublishing key={school.id} school={school} onDone={(message) => setFlash((p) => ({ message, stamp: p.stamp + 1 }))} />
      ))}
    </Page>
  );
}

function leadersApprovals(count: number): string {
  return count === 1 ? "1 leader's approval" : `${count} leaders' approvals`;
}

/** "Each post needs 1 leader's approval before it is published.": the rule, in a sentence. */
function approvalRule(policy: { approvals_required: number; approvals_required_identifiable_pupils: number; dsl_clearance_required: boolean }): string {
  const withPupils = policy.approvals_required_identifiable_pupils;
  const more = withPupils > policy.approvals_required ? ` (${leadersApprovals(withPupils)} when pupils can be identified)` : "";
  const dsl = policy.dsl_clearance_required ? " The DSL must also clear posts that show pupils." : "";
  return `Each post needs ${leadersApprovals(policy.approvals_required)}${more} before it is published.${dsl}`;
}

function SchoolPublishing({ school, onDone }: { school: PublishingSchool; onDone: (message: string) => void }) {
  const id = useId();
  const publishing = usePublishing(school.id);
  const change = useSetPublishing(school.id);
  const [reason, setReason] = useState("");
  const [wholeTrust, setWholeTrust] = useState(false);
  const [blank, setBlank] = useState(false);
  const errors = errorMessages(change.error, ["reason", "whole_trust"]);
  const reasonErrors = [...(blank ? ["Say why publishing is paused."] : []), ...(errors.fields.reason ?? [])];

  if (publishing.isPending) return <Loading />;
  if (publishing.isError) return <ErrorSummary messages={errorMessages(publishing.error).top} />;
  const state = publishing.data;
  const paused = Boolean(state.paused_at);

  function pause(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!reason.trim()) {
      setBlank(true);
      return;
    }
    setBlank(false);
    change.mutate(
      { action: "pause", reason: reason.trim(), whole_trust: wholeTrust },
      { onSuccess: () => { setReason(""); onDone(`Publishing paused${wholeTrust ? " across the trust" : ` at ${school.name}`}.`); } },
    );
  }

  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{school.name}</h2>
      <p>
        {paused ? (
          <StatusBadge label="Paused" tone="danger" icon="pause" prefix="Publishing:" />
        ) : (
          <StatusBadge label="Publishing normally" tone="ok" icon="check" prefix="Publishing:" />
        )}
      </p>
      {paused ? (
        <p>
          Paused since {formatDateTime(state.paused_at)}. {state.pause_reason ? `Reason: ${state.pause_reason}` : null}
        </p>
      ) : null}
      <p className="hint">
        {approvalRule(state)}
      </p>
      <ErrorSummary messages={errors.top} />
      {paused ? (
        <button
          type="button"
          className="button button--primary"
          disabled={change.isPending}
          onClick={() => change.mutate({ action: "resume", reason: "", whole_trust: false }, { onSuccess: () => onDone(`Publishing resumed at ${school.name}.`) })}
        >
          <Icon name="send" /> Resume publishing at {school.name}
        </button>
      ) : (
        <form className="form" onSubmit={pause} noValidate>
          <div className={`field${reasonErrors.length ? " field--error" : ""}`}>
            <label htmlFor={`${id}-reason`}>Why pause?</label>
            {reasonErrors.length ? (
              <p className="field-error" id={`${id}-reason-error`}>
                {reasonErrors.join(" ")}
              </p>
            ) : null}
            <input
              id={`${id}-reason`}
              type="text"
              maxLength={300}
              value={reason}
              aria-invalid={reasonErrors.length ? true : undefined}
              aria-describedby={reasonErrors.length ? `${id}-reason-error` : undefined}
              onChange={(event) => setReason(event.target.value)}
            />
          </div>
          {school.trustAdmin ? (
            <label className="checkbox">
              <input type="checkbox" checked={wholeTrust} onChange={(event) => setWholeTrust(event.target.checked)} />
              <span>Pause every school in the trust that I administer</span>
            </label>
          ) : null}
          <button type="submit" className="button button--danger" disabled={change.isPending}>
            <Icon name="pause" /> Pause publishing
          </button>
        </form>
      )}
      <PhotoGuidanceForm schoolId={school.id} schoolName={school.name} policy={state} onDone={onDone} />
    </section>
  );
}
