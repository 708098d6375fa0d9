import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { FormActions } from "../../../components/FormActions";
import { Icon } from "../../../components/Icon";
import { errorMessages } from "../../../lib/errors";
import type { PostDetail } from "../../../lib/post";
import { useTagFace, usePeopleSearch, type PersonStatus } from "../api/posts";

type Choice = "person" | "adult_consent" | "not_a_face";

/**
 * R2: say who an unidentified face is. A person in the register (their consent is then
 * checked for every channel), an adult whose consent is on file (the tag is audited), or
 * not a face at all.
 */
export function TagFacePanel({
  postId,
  schoolId,
  faceId,
  where,
  onDone,
  onCancel,
}: {
  postId: number;
  schoolId: number;
  faceId: number;
  where: string;
  onDone: (message: string, updated?: PostDetail) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const tag = useTagFace(postId);
  const [choice, setChoice] = useState<Choice>("person");
  const [search, setSearch] = useState("");
  const [person, setPerson] = useState<PersonStatus | null>(null);
  const [attested, setAttested] = useState(false);
  const [adultName, setAdultName] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const people = usePeopleSearch(schoolId, search);
  const legend = useRef<HTMLLegendElement>(null);
  const errors = errorMessages(tag.error, ["person_id", "tag", "adult_name"]);

  useEffect(() => legend.current?.focus(), []);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (choice === "person" && !person) return setProblem("Search for the person and choose them first.");
    if (choice === "adult_consent" && !adultName.trim()) return setProblem("Say which adult this is (their name).");
    if (choice === "adult_consent" && !attested) return setProblem("Confirm that this adult's consent is on file first.");
    setProblem(null);
    const label = where.toLowerCase();
    tag.mutate(
      choice === "person"
        ? { faceId, tag: "person", person_id: person?.id ?? null }
        : choice === "adult_consent"
          ? { faceId, tag: choice, adult_name: adultName.trim() }
          : { faceId, tag: choice },
      {
        onSuccess: (updated) =>
          onDone(
            choice === "person"
              ? `Tagged ${label} as ${person?.display_first_name} ${person?.last_name}.`
              : choice === "adult_consent"
                ? `Tagged ${label} as ${adultName.trim()}, an adult with consent on file.`
                : `Marked ${label} as not a face.`,
            updated,
          ),
      },
    );
  }

  const messages = [...(problem ? [problem] : []), ...(errors.fields.person_id ?? []), ...(errors.fields.tag ?? []), ...(errors.fields.adult_name ?? []), ...errors.top];

  return (
    <form className="tag-panel" onSubmit={submit} noValidate>
      <fieldset className="fieldset">
        <legend ref={legend} tabIndex={-1}>
          Who is {where.toLowerCase()}?
        </legend>
        <div className="radios">
          {(
            [
              ["person", "A person in the school's register"],
              ["adult_consent", "An adult whose photo consent is on file"],
              ["not_a_face", "Not a face"],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className="radio">
              <input type="radio" name={`${id}-choice`} value={value} checked={choice === value} onChange={() => setChoice(value)} />
              <span>{label}</span>
            </label>
          ))}
        </div>
      </fieldset>

      {choice === "person" ? (
        <div className="person-search">
          <div className="field">
            <label htmlFor={`${id}-search`}>Search the register by name</label>
            <input
              id={`${id}-search`}
              type="search"
              autoComplete="off"
              value={search}
              onChange={(event) => {
                setSearch(event.target.value);
                setPerson(null);
              }}
            />
          </div>
          {search.trim().length >= 2 ? (
            people.isPending ? (
              <p className="hint" role="status">
                Searching…
              </p>
            ) : people.isError ? (
              <p className="field-error">{errorMessages(people.error).top.join(" ")}</p>
            ) : people.data && people.data.length > 0 ? (
              <ul className="choice-list" aria-label="People found">
                {people.data.map((row) => {
                  const chosen = person?.id === row.id;
                  return (
                    <li key={row.id}>
                      <button
                        type="button"
                        className={`choice${chosen ? " choice--chosen" : ""}`}
                        aria-pressed={chosen}
                        onClick={() => setPerson(row)}
                      >
                        <span className="choice__name">
                          {chosen ? <Icon name="check" /> : null}
                          {row.display_first_name} {row.last_name}
                        </span>
                        <span className="hint">{row.year_group || "No year group"}</span>
                        {row.do_not_publish ? (
                          <span className="status status--danger">
                            <Icon name="cross" />
                            Do not publish
                          </span>
                        ) : null}
                      </button>
                    </li>
                  );
                })}
              </ul>
            ) : (
              <p className="hint">Nobody on roll matches &ldquo;{search.trim()}&rdquo;.</p>
            )
          ) : (
            <p className="hint">Type at least two letters of their name.</p>
          )}
        </div>
      ) : null}

      {choice === "adult_consent" ? (
        <div className="field">
          <label htmlFor={`${id}-adult`}>The adult&apos;s name</label>
          <input id={`${id}-adult`} type="text" autoComplete="off" maxLength={200} value={adultName} onChange={(event) => setAdultName(event.target.value)} />
        </div>
      ) : null}
      {choice === "adult_consent" ? (
        <label className="checkbox">
          <input type="checkbox" checked={attested} onChange={(event) => setAttested(event.target.checked)} />
          <span>I confirm this is an adult and their consent to appear in school posts is on file. (This is recorded with your name.)</span>
        </label>
      ) : null}

      {messages.length ? (
        <p className="field-error" role="alert">
          {messages.map((message) => (
            <span key={message}>{message}</span>
          ))}
        </p>
      ) : null}
      <FormActions
        label={
          choice === "person"
            ? person
              ? `Tag as ${person.display_first_name} ${person.last_name}`
              : "Tag this person"
            : choice === "adult_consent"
              ? "Tag as adult with consent"
              : "Mark as not a face"
        }
        pending={tag.isPending}
        onCancel={onCancel}
      />
    </form>
  );
}
