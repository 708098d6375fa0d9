import { useId, useState, type FormEvent } from "react";
import { Link, Navigate, useLocation, useParams, useSearchParams } from "react-router";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Flash } from "../../../components/Flash";
import { Icon } from "../../../components/Icon";
import { Loading } from "../../../components/Loading";
import { Page } from "../../../components/Page";
import { Pagination } from "../../../components/Pagination";
import { errorMessages } from "../../../lib/errors";
import { formatDate } from "../../../lib/format";
import { usePeopleList, useStatusSearch, type StatusRow } from "../api/consent";
import { DpiaPanel } from "./DpiaPanel";
import { CHANNEL_NAMES, CHANNEL_ORDER, hasAny, KIND_LABELS, label, READ_ROLES, type ConsentSchool } from "./labels";

/** Which school: straight there when there is one, else a choice. */
export function ConsentSchoolsPage({ schools }: { schools: ConsentSchool[] }) {
  const only = schools.length === 1 ? schools[0] : undefined;
  if (only) return <Navigate to={`/consent/${only.id}`} replace />;
  return (
    <Page title="Consent">
      {schools.length === 0 ? (
        <p>You have no role at any school.</p>
      ) : (
        <>
          <p>Choose a school.</p>
          <ul className="link-list">
            {schools.map((school) => (
              <li key={school.id}>
                <Link to={`/consent/${school.id}`}>{school.name}</Link>
              </li>
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}

export function useConsentSchool(schools: ConsentSchool[]): ConsentSchool | undefined {
  const { schoolId } = useParams();
  return schools.find((school) => String(school.id) === schoolId);
}

/** "May we publish?": search people on roll; each row says per channel whether their photo may appear. */
export function ConsentLookupPage({ schools }: { schools: ConsentSchool[] }) {
  const school = useConsentSchool(schools);
  if (!school) {
    return (
      <Page title="Consent">
        <p>No such school among yours.</p>
        <Link to="/consent">Choose a school</Link>
      </Page>
    );
  }
  return <Lookup key={school.id} school={school} multiple={schools.length > 1} />;
}

function Lookup({ school, multiple }: { school: ConsentSchool; multiple: boolean }) {
  const id = useId();
  const [params, setParams] = useSearchParams();
  const search = params.get("q") ?? "";
  const includeLeft = params.get("left") === "1";
  const page = Math.max(1, Number(params.get("page") ?? "1") || 1);
  const [draft, setDraft] = useState(search);
  const location = useLocation();
  const flash = (location.state as { flash?: string } | null)?.flash ?? null;
  const reader = hasAny(school, READ_ROLES);
  const admin = school.roles.includes("consent_admin");

  const status = useStatusSearch(school.id, search, page);
  const register = usePeopleList(school.id, { search }, page, reader && includeLeft);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next = new URLSearchParams(params);
    if (draft.trim()) next.set("q", draft.trim());
    else next.delete("q");
    next.delete("page");
    setParams(next);
  }
  function setPage(n: number) {
    const next = new URLSearchParams(params);
    next.set("page", String(n));
    setParams(next);
  }

  const active = includeLeft ? register : status;
  return (
    <Page title={`Consent at ${school.name}`}>
      {multiple ? (
        <p>
          <Link to="/consent">Choose another school</Link>
        </p>
      ) : null}
      <Flash message={flash} />
      {admin ? (
        <p className="actions">
          <Link className="button button--secondary" to={`/consent/${school.id}/people/new`}>
            Add a person
          </Link>
          <Link className="button button--secondary" to={`/consent/${school.id}/imports`}>
            Import from the MIS
          </Link>
        </p>
      ) : null}

      <form className="panel form search-form" role="search" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-q`}>Search by name</label>
          <p className="hint" id={`${id}-hint`}>
            Check before you take or post a photo. &ldquo;No&rdquo; means do not publish: no answer is a no.
          </p>
          <div className="search-row">
            <input id={`${id}-q`} type="search" value={draft} aria-describedby={`${id}-hint`} onChange={(event) => setDraft(event.target.value)} />
            <button type="submit" className="button button--primary">
              Search
            </button>
          </div>
        </div>
        {reader ? (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={includeLeft}
              onChange={(event) => {
                const next = new URLSearchParams(params);
                if (event.target.checked) next.set("left", "1");
                else next.delete("left");
                next.delete("page");
                setParams(next);
              }}
            />
            <span>Whole register, including people who have left (shows details, not per-channel answers)</span>
          </label>
        ) : null}
      </form>

      <p role="status" className="result-count">
        {active.isPending ? "Searching…" : active.data ? `${active.data.count} ${active.data.count === 1 ? "person" : "people"}${search ? ` matching “${search}”` : ""}.` : ""}
      </p>
      {active.isError ? <ErrorSummary messages={errorMessages(active.error).top} /> : null}
      {active.isPending ? <Loading /> : null}

      {!includeLeft && status.data ? (
        <>
          <ul className="card-list" aria-label="People">
            {status.data.results.map((row) => (
              <StatusCard key={row.id} row={row} schoolId={school.id} />
            ))}
          </ul>
          <Pagination page={status.data} current={page} onChange={setPage} label="Pages of people" />
        </>
      ) : null}
      {includeLeft && register.data ? (
        <>
          <ul className="card-list" aria-label="People">
            {register.data.results.map((row) => (
              <li key={row.id} className="card">
                <div className="card-main">
                  <h2 className="person-card__name">
                    <Link to={`/consent/${school.id}/people/${row.id}`}>
                      {row.display_first_name} {row.last_name}
                    </Link>
                  </h2>
                  <p className="hint">
                    {label(KIND_LABELS, row.kind)}
                    {row.year_group ? ` · ${row.year_group}` : ""}
                    {row.mis_id ? ` · MIS ${row.mis_id}` : ""}
                    {row.on_roll ? "" : row.left_on ? ` · left ${formatDate(row.left_on)}` : " · left"}
                  </p>
                  {row.do_not_publish ? (
                    <span className="status status--danger">
                      <Icon name="cross" /> Do not publish
                    </span>
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
          <Pagination page={register.data} current={page} onChange={setPage} label="Pages of people" />
        </>
      ) : null}

      <DpiaPanel school={school} />
    </Page>
  );
}

function StatusCard({ row, schoolId }: { row: StatusRow; schoolId: number }) {
  return (
    <li className="card person-card">
      <div className="card-main">
        <h2 className="person-card__name">
          <Link to={`/consent/${schoolId}/people/${row.id}`}>
            {row.display_first_name} {row.last_name}
          </Link>
          {row.year_group ? <span className="hint"> · {row.year_group}</span> : null}
        </h2>
        {row.do_not_publish ? (
          <p className="status status--danger">
            <Icon name="cross" /> Do not publish
          </p>
        ) : (
          <ul className="consent-chips" aria-label={`Photo consent for ${row.display_first_name} ${row.last_name}`}>
            {CHANNEL_ORDER.map((channel) => {
              const photo = row.channels[channel]?.photo;
              if (!photo) return null;
              return (
                <li key={channel} className={photo.allowed ? "chip chip--ok" : "chip chip--danger"}>
                  <Icon name={photo.allowed ? "check" : "cross"} />
                  {CHANNEL_NAMES[channel]}: {photo.allowed ? "photo OK" : "no photo"}
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </li>
  );
}
