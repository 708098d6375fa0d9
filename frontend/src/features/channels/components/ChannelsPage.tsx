import { Fragment, useId, useState } from "react";
import { Link, useParams } from "react-router";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Flash } from "../../../components/Flash";
import { Loading } from "../../../components/Loading";
import { Page } from "../../../components/Page";
import { StatusBadge } from "../../../components/StatusBadge";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import {
  useChannelAccounts,
  useChannelKinds,
  useHealthCheck,
  useUpdateChannel,
  type ChannelAccount,
  type ChannelKind,
  type ChannelKindSpec,
} from "../api/channels";
import { AccountForm } from "./AccountForm";

export interface SchoolRef {
  id: number;
  name: string;
}

/** Trust administrators: each school's channel accounts, their health, and their settings. */
export function ChannelsPage({ schools }: { schools: SchoolRef[] }) {
  const { schoolId } = useParams();
  const chosen =
    schoolId === undefined ? (schools.length === 1 ? schools[0] : undefined) : schools.find((school) => String(school.id) === schoolId);

  if (schools.length === 0) {
    return (
      <Page title="Channels">
        <p>Only a trust administrator can connect a school&apos;s channels.</p>
      </Page>
    );
  }
  if (!chosen) {
    return (
      <Page title="Channels">
        {schoolId !== undefined ? <p>No such school among yours.</p> : <p>Choose the school whose channels you want to manage.</p>}
        <ul className="link-list">
          {schools.map((school) => (
            <li key={school.id}>
              <Link to={`/channels/${school.id}`}>{school.name}</Link>
            </li>
          ))}
        </ul>
      </Page>
    );
  }
  return (
    <Page title={`Channels at ${chosen.name}`}>
      <p>
        The accounts posts are published to. A health check tests the credentials and permissions now (they are also checked every
        day).
      </p>
      {schools.length > 1 ? (
        <p>
          <Link to="/channels">Choose another school</Link>
        </p>
      ) : null}
      <SchoolChannels key={chosen.id} school={chosen} />
    </Page>
  );
}

function SchoolChannels({ school }: { school: SchoolRef }) {
  const id = useId();
  const accounts = useChannelAccounts(school.id);
  const kinds = useChannelKinds();
  const [flash, setFlash] = useState<{ message: string | null; stamp: number }>({ message: null, stamp: 0 });
  const [editing, setEditing] = useState<number | null>(null);
  const [adding, setAdding] = useState<ChannelKind | null>(null);
  const done = (message: string) => {
    setEditing(null);
    setAdding(null);
    setFlash((p) => ({ message, stamp: p.stamp + 1 }));
  };

  if (accounts.isPending || kinds.isPending) return <Loading />;
  if (accounts.isError || kinds.isError) return <ErrorSummary messages={errorMessages(accounts.error ?? kinds.error).top} />;
  const specs = new Map(kinds.data.map((spec) => [spec.kind, spec]));
  const connected = new Set(accounts.data.map((a) => a.kind));
  const missing = kinds.data.filter((spec) => !connected.has(spec.kind));
  const addingSpec = adding ? specs.get(adding) : undefined;

  return (
    <>
      <Flash message={flash.message} stamp={flash.stamp} />
      <section className="panel" aria-labelledby={`${id}-connected`}>
        <h2 id={`${id}-connected`}>Connected channels</h2>
        {accounts.data.length === 0 ? (
          <p>No channel is connected yet. The school website&apos;s news feed is connected by itself when the first post is published.</p>
        ) : (
          <ul className="card-list" aria-label="Channel accounts">
            {accounts.data.map((account) => (
              <AccountCard
                key={account.id}
                schoolId={school.id}
                account={account}
                spec={specs.get(account.kind)}
                editing={editing === account.id}
                onEdit={() => {
                  setAdding(null);
                  setEditing(account.id);
                }}
                onClose={() => setEditing(null)}
                onDone={done}
              />
            ))}
          </ul>
        )}
      </section>

      {missing.length > 0 ? (
        <section className="panel" aria-labelledby={`${id}-connect`}>
          <h2 id={`${id}-connect`}>Connect a channel</h2>
          {addingSpec ? (
            <>
              <h3>{addingSpec.label}</h3>
              <AccountForm schoolId={school.id} spec={addingSpec} onSaved={done} onCancel={() => setAdding(null)} />
            </>
          ) : (
            <div className="actions">
              {missing.map((spec) => (
                <button
                  key={spec.kind}
                  type="button"
                  className="button button--secondary"
                  onClick={() => {
                    setEditing(null);
                    setAdding(spec.kind);
                  }}
                >
                  Connect {spec.label}
                </button>
              ))}
            </div>
          )}
        </section>
      ) : null}
    </>
  );
}

/** A field's name in words, for "stored" / "missing" lists and the settings shown back. */
function fieldLabel(spec: ChannelKindSpec | undefined, name: string): string {
  return spec?.fields.find((field) => field.name === name)?.label ?? name.replace(/_/g, " ");
}

function health(account: ChannelAccount) {
  if (account.health.ok === true) return { label: "Working", tone: "ok" as const, icon: "check" as const };
  if (account.health.ok === false) return { label: "Needs attention", tone: "danger" as const, icon: "alert" as const };
  return { label: "Not checked yet", tone: "neutral" as const, icon: "info" as const };
}

function AccountCard({
  schoolId,
  account,
  spec,
  editing,
  onEdit,
  onClose,
  onDone,
}: {
  schoolId: number;
  account: ChannelAccount;
  spec: ChannelKindSpec | undefined;
  editing: boolean;
  onEdit: () => void;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const check = useHealthCheck(schoolId);
  const update = useUpdateChannel(schoolId);
  const state = health(account);
  const stored = account.credentials_set.map((name) => fieldLabel(spec, name));
  const missing = account.credentials_needed.filter((name) => !account.credentials_set.includes(name)).map((name) => fieldLabel(spec, name));
  const takesSecrets = spec?.fields.some((field) => field.secret) ?? account.credentials_set.length > 0;
  const problems = [...errorMessages(check.error).top, ...errorMessages(update.error).top];

  return (
    <li className={`card channel-account${account.enabled ? "" : " card--muted"}`}>
      <div className="card-main">
        <h3>{account.display_name}</h3>
        <p className="post-card__meta">
          <span className="badge">{spec?.label ?? account.kind}</span>
          {account.enabled ? (
            <StatusBadge label="On" tone="ok" icon="check" prefix="Publishing to it:" />
          ) : (
            <StatusBadge label="Switched off" tone="neutral" icon="pause" prefix="Publishing to it:" />
          )}
          <StatusBadge label={state.label} tone={state.tone} icon={state.icon} prefix="Health:" />
        </p>
        {account.health.problems.length > 0 ? (
          <ul className="problem-list" aria-label={`Problems with ${account.display_name}`}>
            {account.health.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        ) : null}
        <p className="hint">
          {account.health.checked_at ? `Checked ${formatDateTime(account.health.checked_at)}` : "Never checked"}
          {takesSecrets ? ` · Credentials stored: ${stored.length ? stored.join(", ") : "none"}` : ""}
        </p>
        {missing.length > 0 ? <p className="field-error">Missing: {missing.join(", ")}</p> : null}
        {Object.entries(account.config).length > 0 ? (
          <dl className="facts">
            {Object.entries(account.config).map(([name, value]) => (
              <Fragment key={name}>
                <dt>{fieldLabel(spec, name)}</dt>
                <dd>{value}</dd>
              </Fragment>
            ))}
          </dl>
        ) : null}
        <ErrorSummary messages={problems} />
        {editing && spec ? (
          <AccountForm schoolId={schoolId} spec={spec} account={account} onSaved={onDone} onCancel={onClose} />
        ) : (
          <div className="actions">
            <button
              type="button"
              className="button button--primary"
              disabled={check.isPending}
              onClick={() =>
                check.mutate(account.id, {
                  onSuccess: (checked) =>
                    onDone(
                      checked.health.ok
                        ? `${checked.display_name} works.`
                        : `${checked.display_name} needs attention: ${checked.health.problems.join(" ")}`,
                    ),
                })
              }
            >
              {check.isPending ? "Checking…" : "Check now"}
            </button>
            <button type="button" className="button button--secondary" onClick={onEdit}>
              Change settings
            </button>
            <button
              type="button"
              className={account.enabled ? "button button--danger-outline" : "button button--secondary"}
              disabled={update.isPending}
              onClick={() =>
                update.mutate(
                  { accountId: account.id, enabled: !account.enabled },
                  { onSuccess: (changed) => onDone(changed.enabled ? `${changed.display_name} switched on.` : `${changed.display_name} switched off: nothing is published to it.`) },
                )
              }
            >
              {account.enabled ? "Switch off" : "Switch on"}
            </button>
          </div>
        )}
      </div>
    </li>
  );
}
