import { useId, useRef, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Loading } from "../../../components/Loading";
import { Page } from "../../../components/Page";
import { StatusBadge } from "../../../components/StatusBadge";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import { importTemplateUrl, useImportColumns, useImportRun, useImports, useRunImport, type ImportRun } from "../api/consent";
import { useConsentSchool } from "./ConsentLookupPage";
import type { ConsentSchool } from "./labels";

const RUN_STATUS: Record<string, { label: string; tone: "ok" | "warn" | "danger"; icon: "check" | "alert" | "cross" }> = {
  applied: { label: "Applied", tone: "ok", icon: "check" },
  applied_with_errors: { label: "Applied, some rows rejected", tone: "warn", icon: "alert" },
  rejected: { label: "Rejected", tone: "danger", icon: "cross" },
};

function NotYours() {
  return (
    <Page title="MIS import">
      <p>Only the school&apos;s consent administrator imports from the MIS.</p>
      <Link to="/consent">Back to consent</Link>
    </Page>
  );
}

/** Upload the MIS export (CSV); see what changed and every rejected row with why. */
export function ImportPage({ schools }: { schools: ConsentSchool[] }) {
  const school = useConsentSchool(schools);
  if (!school || !school.roles.includes("consent_admin")) return <NotYours />;
  return <Imports school={school} />;
}

function Imports({ school }: { school: ConsentSchool }) {
  const id = useId();
  const run = useRunImport(school.id);
  const history = useImports(school.id);
  const input = useRef<HTMLInputElement>(null);
  const report = useRef<HTMLHeadingElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [fullRoll, setFullRoll] = useState(false);
  const [none, setNone] = useState(false);
  const errors = errorMessages(run.error, ["file", "full_roll"]);
  const fileErrors = [...(none ? ["Choose the CSV file exported from the MIS."] : []), ...(errors.fields.file ?? []), ...errors.top];

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file) {
      setNone(true);
      input.current?.focus();
      return;
    }
    setNone(false);
    run.mutate(
      { file, fullRoll },
      {
        onSuccess: () => {
          setFile(null);
          if (input.current) input.current.value = "";
          setTimeout(() => report.current?.focus(), 0);
        },
        onError: () => input.current?.focus(),
      },
    );
  }

  return (
    <Page title={`MIS import at ${school.name}`}>
      <p>
        <Link to={`/consent/${school.id}`}>Back to consent</Link>
      </p>
      <p className="actions">
        <a className="button button--secondary" href={importTemplateUrl(school.id)} download>
          Download the CSV template
        </a>
        <a className="button button--link" href={`#${COLUMNS_ID}`}>
          What each column holds
        </a>
      </p>
      <form className="form panel" onSubmit={submit} noValidate>
        <div className={`field${fileErrors.length ? " field--error" : ""}`}>
          <label htmlFor={`${id}-file`}>MIS export (CSV)</label>
          <p className="hint" id={`${id}-hint`}>
            Rows with problems are skipped and listed below with the reason; the rest are applied.
          </p>
          {fileErrors.length ? (
            <p className="field-error" id={`${id}-error`}>
              {fileErrors.map((m) => (
                <span key={m}>{m}</span>
              ))}
            </p>
          ) : null}
          <input
            ref={input}
            id={`${id}-file`}
            type="file"
            accept=".csv,text/csv"
            aria-invalid={fileErrors.length ? true : undefined}
            aria-describedby={`${id}-hint${fileErrors.length ? ` ${id}-error` : ""}`}
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          />
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={fullRoll} onChange={(event) => setFullRoll(event.target.checked)} />
          <span>This is the whole roll: anyone on roll who is not in the file has left (their consent ends and their posts are taken down).</span>
        </label>
        <button type="submit" className="button button--primary" disabled={run.isPending}>
          {run.isPending ? "Importing…" : "Import"}
        </button>
      </form>

      {run.data ? (
        <section className="panel" aria-labelledby={`${id}-report`}>
          <h2 id={`${id}-report`} ref={report} tabIndex={-1}>
            Import report
          </h2>
          <ImportReport run={run.data} />
        </section>
      ) : null}

      <ImportColumns schoolId={school.id} />

      <section className="panel" aria-labelledby={`${id}-history`}>
        <h2 id={`${id}-history`}>Earlier imports</h2>
        {history.isPending ? <Loading /> : null}
        {history.isError ? <ErrorSummary messages={errorMessages(history.error).top} /> : null}
        {history.data && history.data.results.length === 0 ? <p>None yet.</p> : null}
        {history.data && history.data.results.length > 0 ? (
          <ul className="plain-list">
            {history.data.results.map((item) => {
              const s = RUN_STATUS[item.status] ?? RUN_STATUS.rejected!;
              return (
                <li key={item.id}>
                  <Link to={`/consent/${school.id}/imports/${item.id}`}>
                    {item.filename || `Import ${item.id}`} · {formatDateTime(item.started_at)}
                  </Link>{" "}
                  <StatusBadge label={s.label} tone={s.tone} icon={s.icon} />
                </li>
              );
            })}
          </ul>
        ) : null}
      </section>
    </Page>
  );
}

const COLUMNS_ID = "import-columns";

/** The column format, from the same place as the headers the import reads. */
function ImportColumns({ schoolId }: { schoolId: number }) {
  const columns = useImportColumns(schoolId);
  return (
    <section className="panel" aria-labelledby={COLUMNS_ID}>
      <h2 id={COLUMNS_ID} tabIndex={-1}>
        What each column holds
      </h2>
      <p className="hint">
        One row per person, with a header row. Headers are read in any case, with spaces or dashes for underscores; other columns are ignored.
        Blank consent means no answer, which means no.
      </p>
      {columns.isPending ? <Loading /> : null}
      {columns.isError ? <ErrorSummary messages={errorMessages(columns.error).top} /> : null}
      {columns.data ? (
        // Focusable and named: on a phone the table scrolls sideways, and keyboard users scroll it too.
        <div className="table-scroll" tabIndex={0} role="region" aria-label="The columns, scrolls sideways">
          <table className="table">
            <caption className="visually-hidden">The columns of the MIS import</caption>
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Values</th>
                <th scope="col">Notes</th>
              </tr>
            </thead>
            <tbody>
              {columns.data.map((column) => (
                <tr key={column.header}>
                  <th scope="row">
                    <code>{column.header}</code>
                    {column.mandatory ? <span className="hint"> (required)</span> : null}
                  </th>
                  <td>{column.values}</td>
                  <td>{column.notes}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

export function ImportDetailPage({ schools }: { schools: ConsentSchool[] }) {
  const school = useConsentSchool(schools);
  const { importId } = useParams();
  if (!school || !school.roles.includes("consent_admin")) return <NotYours />;
  return <ImportDetail school={school} importId={Number(importId)} />;
}

function ImportDetail({ school, importId }: { school: ConsentSchool; importId: number }) {
  const run = useImportRun(school.id, importId);
  return (
    <Page title={`Import ${importId}`}>
      <p>
        <Link to={`/consent/${school.id}/imports`}>Back to imports</Link>
      </p>
      {run.isPending ? <Loading /> : null}
      {run.isError ? <ErrorSummary messages={errorMessages(run.error).top} /> : null}
      {run.data ? (
        <div className="panel">
          <ImportReport run={run.data} />
        </div>
      ) : null}
    </Page>
  );
}

/** What an import did, and every bad row with its line number and the reasons. */
export function ImportReport({ run }: { run: ImportRun | Omit<ImportRun, "changes"> }) {
  const s = RUN_STATUS[run.status] ?? RUN_STATUS.rejected!;
  const bad = run.errors;
  return (
    <>
      <p>
        <StatusBadge label={s.label} tone={s.tone} icon={s.icon} prefix="Import:" /> {run.filename}
      </p>
      <dl className="facts">
        <dt>Rows read</dt>
        <dd>{run.rows ?? 0}</dd>
        <dt>New people</dt>
        <dd>{run.created ?? 0}</dd>
        <dt>Updated</dt>
        <dd>{run.updated ?? 0}</dd>
        <dt>Unchanged</dt>
        <dd>{run.unchanged ?? 0}</dd>
        <dt>Marked as left</dt>
        <dd>{run.left ?? 0}</dd>
        <dt>Consent records</dt>
        <dd>{run.consent_records ?? 0}</dd>
        <dt>Rows rejected</dt>
        <dd>{run.error_count ?? bad.length}</dd>
      </dl>
      {bad.length > 0 ? (
        <>
          <h3>Rows that were not imported</h3>
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Rejected rows, scrolls sideways">
            <table className="table">
              <caption className="visually-hidden">Rejected rows, with the reasons</caption>
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">MIS id</th>
                  <th scope="col">What is wrong</th>
                </tr>
              </thead>
              <tbody>
                {bad.map((row) => (
                  <tr key={`${row.line}-${row.mis_id}`}>
                    <td>{row.line}</td>
                    <td>{row.mis_id || "—"}</td>
                    <td>
                      <ul className="plain-list">
                        {row.errors.map((e) => (
                          <li key={e}>{e}</li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="hint">Fix these rows in the MIS and import again: rows already imported are left unchanged.</p>
        </>
      ) : null}
    </>
  );
}
