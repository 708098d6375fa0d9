import { useId, useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Page } from "../../../components/Page";
import { errorMessages } from "../../../lib/errors";
import { useAddPerson, useUpdatePerson, type NewPersonBody, type PersonKind } from "../api/consent";
import { useConsentSchool } from "./ConsentLookupPage";
import { KIND_LABELS, type ConsentSchool } from "./labels";

const FIELDS = ["kind", "legal_first_name", "preferred_first_name", "last_name", "mis_id", "year_group", "registration_group", "date_of_birth"] as const;
const KINDS: PersonKind[] = ["pupil", "staff", "adult"];

export interface PersonValues {
  kind: PersonKind;
  legal_first_name: string;
  preferred_first_name: string;
  last_name: string;
  mis_id: string;
  year_group: string;
  registration_group: string;
  date_of_birth: string;
}

const EMPTY: PersonValues = { kind: "pupil", legal_first_name: "", preferred_first_name: "", last_name: "", mis_id: "", year_group: "", registration_group: "", date_of_birth: "" };

/** The register fields of one person, for adding or changing. */
function PersonFields({
  values,
  onChange,
  errors,
}: {
  values: PersonValues;
  onChange: (values: PersonValues) => void;
  errors: Record<string, string[]>;
}) {
  const id = useId();
  const set = (name: keyof PersonValues) => (value: string) => onChange({ ...values, [name]: value });
  const field = (name: Exclude<keyof PersonValues, "kind">, label: string, extra: { hint?: string; type?: string; autoComplete?: string } = {}) => {
    const messages = errors[name] ?? [];
    const hintId = extra.hint ? `${id}-${name}-hint` : "";
    const errorId = messages.length ? `${id}-${name}-error` : "";
    return (
      <div className={`field${messages.length ? " field--error" : ""}`}>
        <label htmlFor={`${id}-${name}`}>{label}</label>
        {extra.hint ? (
          <p className="hint" id={hintId}>
            {extra.hint}
          </p>
        ) : null}
        {messages.length ? (
          <p className="field-error" id={errorId}>
            {messages.join(" ")}
          </p>
        ) : null}
        <input
          id={`${id}-${name}`}
          type={extra.type ?? "text"}
          autoComplete={extra.autoComplete ?? "off"}
          value={values[name]}
          aria-invalid={messages.length ? true : undefined}
          aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
          onChange={(event) => set(name)(event.target.value)}
        />
      </div>
    );
  };
  return (
    <>
      <fieldset className="fieldset">
        <legend>Who they are</legend>
        <div className="radios radios--inline">
          {KINDS.map((kind) => (
            <label key={kind} className="radio">
              <input type="radio" name={`${id}-kind`} value={kind} checked={values.kind === kind} onChange={() => onChange({ ...values, kind })} />
              <span>{KIND_LABELS[kind]}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="two-columns">
        {field("legal_first_name", "Legal first name")}
        {field("preferred_first_name", "Known as (optional)", { hint: "The first name used in posts, if different." })}
        {field("last_name", "Last name")}
        {field("mis_id", "MIS id (optional)", { hint: "Links this person to the MIS import." })}
        {field("year_group", "Year group (optional)")}
        {field("registration_group", "Registration group (optional)")}
        {field("date_of_birth", "Date of birth (optional)", { type: "date", hint: "Used to judge when a pupil may decide for themselves." })}
      </div>
    </>
  );
}

function check(values: PersonValues): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  if (!values.legal_first_name.trim()) problems.legal_first_name = ["Enter their legal first name."];
  if (!values.last_name.trim()) problems.last_name = ["Enter their last name."];
  return problems;
}

function body(values: PersonValues): NewPersonBody {
  return {
    kind: values.kind,
    legal_first_name: values.legal_first_name.trim(),
    preferred_first_name: values.preferred_first_name.trim(),
    last_name: values.last_name.trim(),
    mis_id: values.mis_id.trim(),
    year_group: values.year_group.trim(),
    registration_group: values.registration_group.trim(),
    date_of_birth: values.date_of_birth || null,
  };
}

/** Consent administrators: add someone the MIS import does not bring (a visitor, a new starter). */
export function AddPersonPage({ schools }: { schools: ConsentSchool[] }) {
  const school = useConsentSchool(schools);
  const navigate = useNavigate();
  const add = useAddPerson(school?.id ?? 0);
  const [values, setValues] = useState<PersonValues>(EMPTY);
  const [local, setLocal] = useState<Record<string, string[]>>({});
  if (!school || !school.roles.includes("consent_admin")) {
    return (
      <Page title="Add a person">
        <p>Only a consent administrator of this school can add people to the register.</p>
        <Link to="/consent">Back to consent</Link>
      </Page>
    );
  }
  const server = errorMessages(add.error, FIELDS);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problems = check(values);
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    add.mutate(body(values), {
      onSuccess: (created) =>
        navigate(`/consent/${school?.id}/people/${created.id}`, {
          state: { flash: `${created.display_first_name} ${created.last_name} added. No consent is recorded yet: no answer means no.` },
        }),
    });
  }

  return (
    <Page title={`Add a person at ${school.name}`}>
      <p>
        <Link to={`/consent/${school.id}`}>Back to the look-up</Link>
      </p>
      <p>Pupils and staff usually come from the MIS import. Add someone here when they are not in it, such as a visiting adult.</p>
      <form className="form panel" onSubmit={submit} noValidate>
        <ErrorSummary messages={server.top} />
        <PersonFields values={values} onChange={setValues} errors={{ ...server.fields, ...local }} />
        <button type="submit" className="button button--primary" disabled={add.isPending}>
          {add.isPending ? "Adding…" : "Add to the register"}
        </button>
      </form>
    </Page>
  );
}

/** Consent administrators: correct a person's register details. */
export function EditPersonForm({
  personId,
  initial,
  onDone,
  onCancel,
}: {
  personId: number;
  initial: PersonValues;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const update = useUpdatePerson(personId);
  const [values, setValues] = useState<PersonValues>(initial);
  const [local, setLocal] = useState<Record<string, string[]>>({});
  const server = errorMessages(update.error, FIELDS);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problems = check(values);
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    update.mutate(body(values), { onSuccess: () => onDone("Details saved.") });
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <ErrorSummary messages={server.top} />
      <PersonFields values={values} onChange={setValues} errors={{ ...server.fields, ...local }} />
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={update.isPending}>
          {update.isPending ? "Saving…" : "Save details"}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
