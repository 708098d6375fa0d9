import { useState } from "react";
import { Link, useLocation, useParams } from "react-router";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Flash } from "../../../components/Flash";
import { Icon } from "../../../components/Icon";
import { Loading } from "../../../components/Loading";
import { Page } from "../../../components/Page";
import { errorMessages } from "../../../lib/errors";
import { formatDate, formatDateTime } from "../../../lib/format";
import { usePerson, usePersonStatus, useTimeline } from "../api/consent";
import { useConsentSchool } from "./ConsentLookupPage";
import { DecisionCell, DoNotPublishBanner } from "./Decision";
import { ContactsPanel } from "./ContactsPanel";
import { EnrolPhotos } from "./EnrolPhotos";
import { FlagsPanel } from "./FlagsPanel";
import {
  CHANNEL_NAMES,
  CHANNEL_ORDER,
  DECISION_LABELS,
  GIVEN_BY_LABELS,
  hasAny,
  KIND_LABELS,
  label,
  METHOD_LABELS,
  PURPOSE_LABELS,
  READ_ROLES,
  SENSITIVE_ROLES,
  STATUS_KIND_LABELS,
  type ConsentSchool,
} from "./labels";
import { ObjectionForm } from "./ObjectionForm";
import { EditPersonForm } from "./PersonForm";
import { RecordDecisionForm } from "./RecordDecisionForm";
import { ErasePanel, ExportPanel, LeavePanel } from "./RegisterActions";

/** One person: "may we publish?" for everyone; details, consent history and tools by role. */
export function PersonPage({ schools }: { schools: ConsentSchool[] }) {
  const school = useConsentSchool(schools);
  const { personId } = useParams();
  if (!school) {
    return (
      <Page title="Person">
        <p>No such school among yours.</p>
        <Link to="/consent">Choose a school</Link>
      </Page>
    );
  }
  return <Person key={personId} school={school} personId={Number(personId)} />;
}

/** "Sarah Hart (Mother)": who gave a decision recorded against a contact. */
function contactName(contact: { name: string; relationship: string }): string {
  return `${contact.name}${contact.relationship ? ` (${contact.relationship})` : ""}`;
}

function Person({ school, personId }: { school: ConsentSchool; personId: number }) {
  const reader = hasAny(school, READ_ROLES);
  const admin = school.roles.includes("consent_admin");
  const sensitive = hasAny(school, SENSITIVE_ROLES);
  const status = usePersonStatus(personId);
  const detail = usePerson(personId, reader);
  const timeline = useTimeline(personId, reader);
  const location = useLocation();
  const arrived = (location.state as { flash?: string } | null)?.flash ?? null;
  const [flash, setFlash] = useState<{ message: string | null; stamp: number }>({ message: arrived, stamp: 0 });
  const [editing, setEditing] = useState(false);
  const done = (message: string) => {
    setEditing(false);
    setFlash((p) => ({ message, stamp: p.stamp + 1 }));
  };

  if (status.isPending) return <Loading />;
  if (status.isError) {
    return (
      <Page title="Person">
        <ErrorSummary messages={errorMessages(status.error).top} />
        <Link to={`/consent/${school.id}`}>Back to the look-up</Link>
      </Page>
    );
  }
  const row = status.data;
  const name = `${row.display_first_name} ${row.last_name}`.trim();
  const contacts = detail.data?.contacts ?? [];

  return (
    <Page title={name}>
      <p>
        <Link to={`/consent/${school.id}`}>Back to the look-up</Link>
      </p>
      <Flash message={flash.message} stamp={flash.stamp} />
      {row.year_group ? <p className="lead">{row.year_group}</p> : null}
      {row.do_not_publish ? <DoNotPublishBanner name={row.display_first_name} /> : null}

      <section className="panel" aria-labelledby="may-heading">
        <h2 id="may-heading">May we publish?</h2>
        {row.do_not_publish ? (
          <p className="status status--danger">
            <Icon name="cross" /> No: not on any channel, not by name.
          </p>
        ) : (
          <>
            <p className="hint">As of now. Consent can change at any time: the checks look again before anything is published.</p>
            <div className="channel-grid">
              {CHANNEL_ORDER.map((channel) => {
                const by = row.channels[channel];
                if (!by) return null;
                return (
                  <section key={channel} className="channel-card" aria-label={CHANNEL_NAMES[channel]}>
                    <h3>{CHANNEL_NAMES[channel]}</h3>
                    <dl className="decision-list">
                      {(["photo", "full_name", "first_name"] as const).map((kind) => (
                        <div key={kind}>
                          <dt>{STATUS_KIND_LABELS[kind]}</dt>
                          <dd>
                            <DecisionCell decision={by[kind]} />
                          </dd>
                        </div>
                      ))}
                    </dl>
                  </section>
                );
              })}
            </div>
          </>
        )}
      </section>

      <ObjectionForm personId={personId} name={row.display_first_name} onDone={done} />

      {reader ? (
        <section className="panel" aria-labelledby="details-heading">
          <h2 id="details-heading">Register details</h2>
          {detail.isError ? <ErrorSummary messages={errorMessages(detail.error).top} /> : null}
          {detail.data && editing ? (
            <EditPersonForm
              personId={personId}
              initial={{
                kind: detail.data.kind === "staff" || detail.data.kind === "adult" ? detail.data.kind : "pupil",
                legal_first_name: detail.data.legal_first_name,
                preferred_first_name: detail.data.preferred_first_name,
                last_name: detail.data.last_name,
                mis_id: detail.data.mis_id,
                year_group: detail.data.year_group,
                registration_group: detail.data.registration_group,
                date_of_birth: detail.data.date_of_birth ?? "",
              }}
              onDone={done}
              onCancel={() => setEditing(false)}
            />
          ) : detail.data ? (
            <>
              <dl className="facts">
                <dt>Kind</dt>
                <dd>{label(KIND_LABELS, detail.data.kind)}</dd>
                <dt>Legal first name</dt>
                <dd>{detail.data.legal_first_name}</dd>
                {detail.data.preferred_first_name ? (
                  <>
                    <dt>Known as</dt>
                    <dd>{detail.data.preferred_first_name}</dd>
                  </>
                ) : null}
                <dt>MIS id</dt>
                <dd>{detail.data.mis_id || "—"}</dd>
                <dt>Group</dt>
                <dd>{[detail.data.year_group, detail.data.registration_group].filter(Boolean).join(", ") || "—"}</dd>
                <dt>On roll</dt>
                <dd>{detail.data.on_roll ? "Yes" : detail.data.left_on ? `No, left ${formatDate(detail.data.left_on)}` : "No"}</dd>
                <dt>Reference photos</dt>
                <dd>{detail.data.enrolments}</dd>
              </dl>
              {admin ? (
                <p>
                  <button type="button" className="button button--secondary" onClick={() => setEditing(true)}>
                    Change details
                  </button>
                </p>
              ) : null}
              {admin ? null : <h3>Contacts</h3>}
              {admin ? null : contacts.length === 0 ? (
                <p className="hint">No contacts recorded.</p>
              ) : (
                <ul className="plain-list">
                  {contacts.map((c) => (
                    <li key={c.id}>
                      <strong>{c.name}</strong>
                      {c.relationship ? ` (${c.relationship})` : ""}
                      {c.may_give_consent ? " · may give consent" : " · may not give consent"}
                      {c.court_order ? " · court order" : ""}
                    </li>
                  ))}
                </ul>
              )}
            </>
          ) : (
            <Loading />
          )}
        </section>
      ) : null}

      {reader ? (
        <section className="panel" aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">Consent history</h2>
          {timeline.isError ? <ErrorSummary messages={errorMessages(timeline.error).top} /> : null}
          {timeline.data ? (
            <>
              <h3>Now, by purpose</h3>
              <dl className="decision-list decision-list--wide">
                {Object.entries(timeline.data.current).map(([purpose, decision]) => (
                  <div key={purpose}>
                    <dt>{label(PURPOSE_LABELS, purpose)}</dt>
                    <dd>
                      <DecisionCell decision={decision} />
                    </dd>
                  </div>
                ))}
              </dl>
              <h3>Every record, newest first</h3>
              {timeline.data.records.length === 0 ? (
                <p className="hint">Nothing recorded. No answer means no.</p>
              ) : (
                <ol className="timeline">
                  {timeline.data.records.map((r) => (
                    <li key={r.id} className={`timeline__item timeline__item--${r.decision}`}>
                      <p>
                        <strong>
                          {label(PURPOSE_LABELS, r.purpose)}: {label(DECISION_LABELS, r.decision)}
                        </strong>
                      </p>
                      <p className="hint">
                        By {r.contact ? contactName(r.contact) : label(GIVEN_BY_LABELS, r.given_by).replace(/^The /, "the ")} · {label(METHOD_LABELS, r.method)}
                        {r.given_on ? ` · given ${formatDate(r.given_on)}` : ""}
                        {r.expires_on ? ` · expires ${formatDate(r.expires_on)}` : ""}
                      </p>
                      {r.notes ? <p>{r.notes}</p> : null}
                      {r.evidence && admin ? (
                        <p>
                          <a href={r.evidence.download}>Download evidence: {r.evidence.original_name || "Evidence file"}</a>
                        </p>
                      ) : r.evidence_reference ? (
                        <p className="hint">Evidence: {r.evidence_reference}</p>
                      ) : null}
                      <p className="hint">
                        Recorded by {r.recorded_by} on {formatDateTime(r.recorded_at)}
                      </p>
                    </li>
                  ))}
                </ol>
              )}
            </>
          ) : (
            <Loading />
          )}
        </section>
      ) : null}

      {admin ? <ContactsPanel personId={personId} onDone={done} /> : null}
      {admin ? <RecordDecisionForm personId={personId} contacts={contacts} onDone={done} /> : null}
      {admin ? <EnrolPhotos personId={personId} name={row.display_first_name} onDone={done} /> : null}
      {sensitive ? <FlagsPanel personId={personId} onDone={done} /> : null}
      {admin && detail.data ? (
        <>
          {detail.data.on_roll ? <LeavePanel personId={personId} name={name} onDone={done} /> : null}
          <ExportPanel personId={personId} name={name} />
          <ErasePanel
            personId={personId}
            schoolId={school.id}
            name={name}
            confirmWord={detail.data.mis_id || String(detail.data.id)}
            confirmWhat={detail.data.mis_id ? "Their MIS id, as shown under Register details." : "Their record number (they have no MIS id)."}
          />
        </>
      ) : null}
    </Page>
  );
}
