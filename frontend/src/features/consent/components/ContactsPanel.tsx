import { useId, useState, type FormEvent } from "react";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Loading } from "../../../components/Loading";
import { errorMessages } from "../../../lib/errors";
import { useAddContact, useContacts, useUpdateContact, type Contact } from "../api/consent";

interface ContactValues {
  name: string;
  relationship: string;
  has_parental_responsibility: boolean;
  court_order: boolean;
}

const BLANK: ContactValues = { name: "", relationship: "", has_parental_responsibility: false, court_order: false };
const FIELDS = ["name", "relationship", "has_parental_responsibility", "court_order"];

/** Consent administrators: a person's parents and carers, who may give consent (R18). */
export function ContactsPanel({ personId, onDone }: { personId: number; onDone: (message: string) => void }) {
  const id = useId();
  const contacts = useContacts(personId);
  const [editing, setEditing] = useState<number | "new" | null>(null);
  const finish = (message: string) => {
    setEditing(null);
    onDone(message);
  };
  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Contacts</h2>
      <p className="hint">Only a contact with parental responsibility, and no court order against it, may give or withdraw consent.</p>
      {contacts.isPending ? <Loading /> : null}
      {contacts.isError ? <ErrorSummary messages={errorMessages(contacts.error).top} /> : null}
      {contacts.data && contacts.data.length === 0 ? <p>No contacts recorded.</p> : null}
      {contacts.data && contacts.data.length > 0 ? (
        <ul className="plain-list contact-list" aria-label="Contacts">
          {contacts.data.map((contact) => (
            <li key={contact.id} className="contact">
              {editing === contact.id ? (
                <ContactForm personId={personId} contact={contact} onDone={finish} onCancel={() => setEditing(null)} />
              ) : (
                <>
                  <p className="contact__line">
                    <strong>{contact.name}</strong>
                    {contact.relationship ? ` (${contact.relationship})` : ""}
                    <span className={contact.may_give_consent ? "status status--ok" : "status status--neutral"}>
                      {contact.may_give_consent ? "May give consent" : "May not give consent"}
                    </span>
                  </p>
                  <p className="hint">
                    {contact.has_parental_responsibility ? "Has parental responsibility" : "No parental responsibility"}
                    {contact.court_order ? " · a court order restricts their part" : ""}
                  </p>
                  <button type="button" className="button button--secondary" onClick={() => setEditing(contact.id)}>
                    Change <span className="visually-hidden">{contact.name}</span>
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {editing === "new" ? (
        <>
          <h3>Add a contact</h3>
          <ContactForm personId={personId} onDone={finish} onCancel={() => setEditing(null)} />
        </>
      ) : (
        <button type="button" className="button button--secondary" onClick={() => setEditing("new")}>
          Add a contact
        </button>
      )}
    </section>
  );
}

function ContactForm({ personId, contact, onDone, onCancel }: { personId: number; contact?: Contact; onDone: (message: string) => void; onCancel: () => void }) {
  const id = useId();
  const add = useAddContact(personId);
  const update = useUpdateContact(personId);
  const save = contact ? update : add;
  const [values, setValues] = useState<ContactValues>(
    contact
      ? {
          name: contact.name,
          relationship: contact.relationship ?? "",
          has_parental_responsibility: contact.has_parental_responsibility ?? false,
          court_order: contact.court_order ?? false,
        }
      : BLANK,
  );
  const [blank, setBlank] = useState(false);
  const errors = errorMessages(save.error, FIELDS);
  const nameErrors = [...(blank ? ["Enter the contact's name."] : []), ...(errors.fields.name ?? [])];

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!values.name.trim()) {
      setBlank(true);
      return;
    }
    setBlank(false);
    const body = { ...values, name: values.name.trim(), relationship: values.relationship.trim() };
    if (contact) update.mutate({ contactId: contact.id, ...body }, { onSuccess: () => onDone(`${body.name} saved.`) });
    else add.mutate(body, { onSuccess: () => onDone(`${body.name} added.`) });
  }

  return (
    <form className="form inline-form" onSubmit={submit} noValidate>
      <ErrorSummary messages={errors.top} />
      <div className="two-columns">
        <div className={`field${nameErrors.length ? " field--error" : ""}`}>
          <label htmlFor={`${id}-name`}>Name</label>
          {nameErrors.length ? (
            <p className="field-error" id={`${id}-name-error`}>
              {nameErrors.join(" ")}
            </p>
          ) : null}
          <input
            id={`${id}-name`}
            type="text"
            autoComplete="off"
            value={values.name}
            maxLength={200}
            aria-invalid={nameErrors.length ? true : undefined}
            aria-describedby={nameErrors.length ? `${id}-name-error` : undefined}
            onChange={(event) => setValues({ ...values, name: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-relationship`}>Relationship (optional)</label>
          <input
            id={`${id}-relationship`}
            type="text"
            autoComplete="off"
            value={values.relationship}
            maxLength={50}
            onChange={(event) => setValues({ ...values, relationship: event.target.value })}
          />
        </div>
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={values.has_parental_responsibility}
          onChange={(event) => setValues({ ...values, has_parental_responsibility: event.target.checked })}
        />
        <span>Has parental responsibility</span>
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={values.court_order} onChange={(event) => setValues({ ...values, court_order: event.target.checked })} />
        <span>A court order restricts their part in decisions</span>
      </label>
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : contact ? "Save contact" : "Add contact"}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
