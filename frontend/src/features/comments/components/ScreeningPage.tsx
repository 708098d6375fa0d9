import { useId, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Flash } from "../../../components/Flash";
import { Icon } from "../../../components/Icon";
import { Loading } from "../../../components/Loading";
import { Page } from "../../../components/Page";
import { HighlightedText } from "../../../components/post/HighlightedText";
import { StatusBadge } from "../../../components/StatusBadge";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import { labelSpans, screeningSettings, useSaveScreening, useScreening, useScreeningPreview, type ScreeningSettings } from "../api/comments";
import { CHANNEL_WORDS, LABEL_WORDS, words } from "./words";
import { XCostsAndWatch } from "./MentionsPanel";
import { SensitivityPanel } from "./SensitivityPanel";

export interface ScreeningSchool {
  id: number;
  name: string;
  /** Leaders change the settings; the DSL may only read them. */
  canEdit: boolean;
}

const CHANNEL_ORDER = ["website", "x", "facebook", "instagram"];

const LISTS = [
  { key: "blockedWords", field: "blocked_words", label: "Words to always hold", hint: "One per line. A comment with any of these is hidden and held." },
  { key: "allowedWords", field: "allowed_words", label: "Words never to hold", hint: "One per line: ordinary words the screening mistakes for swearing, such as a local place name." },
  { key: "staffNames", field: "staff_names", label: "Staff surnames", hint: "One per line, in addition to the register. Helps spot allegations such as “Jones hit my son”." },
  { key: "allowedDomains", field: "allowed_domains", label: "Links that are fine", hint: "One per line, such as the school's own website (oakfield.sch.uk). Other links count towards spam." },
] as const;

type ListKey = (typeof LISTS)[number]["key"];

export const VERDICT_WORDS: Record<string, { label: string; tone: "ok" | "warn" | "danger"; icon: "check" | "alert" | "cross"; explain: string }> = {
  ok: { label: "Would stay up", tone: "ok", icon: "check", explain: "Visible on the platform (on the school website, only once a moderator approves it)." },
  hold: { label: "Would be held", tone: "warn", icon: "alert", explain: "Hidden at once and held in Comments for a moderator." },
  escalate: { label: "Would be escalated", tone: "danger", icon: "cross", explain: "Hidden at once and sent to the designated safeguarding lead." },
};

/** Which school's settings: straight there when there is one, else a choice. */
export function ScreeningPage({ schools }: { schools: ScreeningSchool[] }) {
  const { schoolId } = useParams();
  const chosen = schoolId === undefined ? (schools.length === 1 ? schools[0] : undefined) : schools.find((s) => String(s.id) === schoolId);
  if (!chosen) {
    return (
      <Page title="Comment screening">
        {schoolId !== undefined ? <p>No such school among yours.</p> : <p>Choose a school.</p>}
        <ul className="link-list">
          {schools.map((school) => (
            <li key={school.id}>
              <Link to={`/comments/settings/${school.id}`}>{school.name}</Link>
            </li>
          ))}
        </ul>
      </Page>
    );
  }
  return <Screening key={chosen.id} school={chosen} multiple={schools.length > 1} />;
}

function Screening({ school, multiple }: { school: ScreeningSchool; multiple: boolean }) {
  const settings = useScreening(school.id);
  const [flash, setFlash] = useState<{ message: string | null; stamp: number }>({ message: null, stamp: 0 });
  return (
    <Page title={`Comment screening at ${school.name}`}>
      <p>
        <Link to="/comments">Back to comments</Link>
        {multiple ? (
          <>
            {" · "}
            <Link to="/comments/settings">Choose another school</Link>
          </>
        ) : null}
      </p>
      <p>
        Every comment on the school&apos;s posts is screened with these settings. Harmful ones are hidden at once and wait in Comments;
        threats, hate and allegations go to the designated safeguarding lead.
      </p>
      {!school.canEdit ? <p className="notice">Only the leadership team can change these settings. You can read them and try the preview.</p> : null}
      <Flash message={flash.message} stamp={flash.stamp} />
      {settings.isPending ? <Loading /> : null}
      {settings.isError ? <ErrorSummary messages={errorMessages(settings.error).top} /> : null}
      {settings.data ? (
        <SettingsForm
          key={settings.data.updated_at}
          schoolId={school.id}
          settings={screeningSettings(settings.data)}
          canEdit={school.canEdit}
          onSaved={() => setFlash((p) => ({ message: "Screening settings saved. New comments are screened with them.", stamp: p.stamp + 1 }))}
        />
      ) : null}
      <SensitivityPanel schoolId={school.id} canEdit={school.canEdit} onSaved={(message) => setFlash((p) => ({ message, stamp: p.stamp + 1 }))} />
      <Preview schoolId={school.id} />
      <XCostsAndWatch schoolId={school.id} canEdit={school.canEdit} />
    </Page>
  );
}

function percent(value: number | undefined): string {
  return value === undefined ? "" : String(Math.round(value * 1000) / 10);
}

function SettingsForm({ schoolId, settings, canEdit, onSaved }: { schoolId: number; settings: ScreeningSettings; canEdit: boolean; onSaved: () => void }) {
  const id = useId();
  const save = useSaveScreening(schoolId);
  const [thresholds, setThresholds] = useState<Record<string, string>>(() =>
    Object.fromEntries(settings.labels.map((label) => [label, percent(settings.effectiveThresholds[label])])),
  );
  const [lists, setLists] = useState<Record<ListKey, string>>(() => ({
    blockedWords: settings.blockedWords.join("\n"),
    allowedWords: settings.allowedWords.join("\n"),
    staffNames: settings.staffNames.join("\n"),
    allowedDomains: settings.allowedDomains.join("\n"),
  }));
  const [channels, setChannels] = useState<string[]>(settings.fetchChannels);
  const [bad, setBad] = useState<string[]>([]);
  const server = errorMessages(save.error, ["thresholds", ...LISTS.map((l) => l.field), "fetch_channels"]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const wrong = settings.labels.filter((label) => {
      const value = Number(thresholds[label]);
      return !Number.isFinite(value) || value <= 0 || value > 100 || thresholds[label]?.trim() === "";
    });
    setBad(wrong);
    if (wrong.length > 0) return;
    // Keep the school's own values; add the ones changed here (the rest follow the defaults).
    const overrides: Record<string, number> = { ...settings.thresholds };
    for (const label of settings.labels) {
      const value = Number(thresholds[label]) / 100;
      if (Math.abs(value - (settings.effectiveThresholds[label] ?? -1)) > 1e-9) overrides[label] = value;
    }
    const lines = (text: string) => [...new Set(text.split("\n").map((line) => line.trim()).filter(Boolean))];
    save.mutate(
      {
        thresholds: overrides,
        blocked_words: lines(lists.blockedWords),
        allowed_words: lines(lists.allowedWords),
        staff_names: lines(lists.staffNames),
        allowed_domains: lines(lists.allowedDomains),
        fetch_channels: CHANNEL_ORDER.filter((c) => channels.includes(c)),
      },
      { onSuccess: onSaved },
    );
  }

  const thresholdErrors = [...(bad.length ? [`Enter a number from 1 to 100 for: ${bad.map((l) => words(LABEL_WORDS, l)).join(", ")}.`] : []), ...(server.fields.thresholds ?? [])];
  return (
    <form className="form" onSubmit={submit} noValidate>
      <ErrorSummary messages={server.top} />
      <fieldset className="fieldset panel" disabled={!canEdit}>
        <legend className="panel-legend">How sure before a comment is held</legend>
        <p className="hint">
          A comment is held when the screening is at least this sure (in percent). Lower catches more, with more false alarms.
        </p>
        {thresholdErrors.length ? <p className="field-error">{thresholdErrors.join(" ")}</p> : null}
        <div className="threshold-grid">
          {settings.labels.map((label) => (
            <div key={label} className={`field${bad.includes(label) ? " field--error" : ""}`}>
              <label htmlFor={`${id}-t-${label}`}>{words(LABEL_WORDS, label)}</label>
              <p className="hint" id={`${id}-t-${label}-hint`}>
                {Object.hasOwn(settings.thresholds, label) ? "Set for this school" : "Default"}
              </p>
              <div className="percent-input">
                <input
                  id={`${id}-t-${label}`}
                  type="number"
                  inputMode="decimal"
                  min={1}
                  max={100}
                  step={1}
                  value={thresholds[label] ?? ""}
                  aria-invalid={bad.includes(label) || undefined}
                  aria-describedby={`${id}-t-${label}-hint`}
                  onChange={(event) => setThresholds((t) => ({ ...t, [label]: event.target.value }))}
                />
                <span aria-hidden="true">%</span>
              </div>
            </div>
          ))}
        </div>
      </fieldset>

      <fieldset className="fieldset panel" disabled={!canEdit}>
        <legend className="panel-legend">Word lists</legend>
        <div className="two-columns">
          {LISTS.map((list) => {
            const errors = server.fields[list.field] ?? [];
            return (
              <div key={list.key} className={`field${errors.length ? " field--error" : ""}`}>
                <label htmlFor={`${id}-${list.key}`}>{list.label}</label>
                <p className="hint" id={`${id}-${list.key}-hint`}>
                  {list.hint}
                </p>
                {errors.length ? <p className="field-error">{errors.join(" ")}</p> : null}
                <textarea
                  id={`${id}-${list.key}`}
                  rows={5}
                  spellCheck={false}
                  value={lists[list.key]}
                  aria-describedby={`${id}-${list.key}-hint`}
                  onChange={(event) => setLists((l) => ({ ...l, [list.key]: event.target.value }))}
                />
              </div>
            );
          })}
        </div>
      </fieldset>

      <fieldset className="fieldset panel" disabled={!canEdit}>
        <legend className="panel-legend">Read comments from</legend>
        <p className="hint">Comments are fetched from the ticked channels. Reading replies on X costs the school money: untick it if nobody comments there.</p>
        {server.fields.fetch_channels ? <p className="field-error">{server.fields.fetch_channels.join(" ")}</p> : null}
        <div className="checkboxes">
          {CHANNEL_ORDER.map((channel) => (
            <label key={channel} className="checkbox">
              <input
                type="checkbox"
                checked={channels.includes(channel)}
                onChange={(event) => setChannels((c) => (event.target.checked ? [...c, channel] : c.filter((x) => x !== channel)))}
              />
              <span>{words(CHANNEL_WORDS, channel)}</span>
            </label>
          ))}
        </div>
      </fieldset>

      {canEdit ? (
        <div className="actions">
          <button type="submit" className="button button--primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save settings"}
          </button>
          {settings.updatedAt ? <p className="hint">Last changed {formatDateTime(settings.updatedAt)}.</p> : null}
        </div>
      ) : null}
    </form>
  );
}

function Preview({ schoolId }: { schoolId: number }) {
  const id = useId();
  const preview = useScreeningPreview(schoolId);
  const [text, setText] = useState("");
  const [isNew, setIsNew] = useState(false);
  const [blank, setBlank] = useState(false);
  const [screened, setScreened] = useState("");
  const errors = errorMessages(preview.error, ["text"]);
  const textErrors = [...(blank ? ["Write a sample comment first."] : []), ...(errors.fields.text ?? [])];
  const labels = preview.data?.labels ?? [];
  const verdict = preview.data ? (VERDICT_WORDS[preview.data.verdict] ?? { label: preview.data.verdict, tone: "warn" as const, icon: "alert" as const, explain: "" }) : null;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!text.trim()) {
      setBlank(true);
      return;
    }
    setBlank(false);
    const sample = text;
    preview.mutate({ text: sample, author_is_new: isNew }, { onSuccess: () => setScreened(sample) });
  }

  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Try a comment</h2>
      <p className="hint">Screens a sample with the saved settings (save changes first). Nothing is stored or posted.</p>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorSummary messages={errors.top} />
        <div className={`field${textErrors.length ? " field--error" : ""}`}>
          <label htmlFor={`${id}-text`}>Sample comment</label>
          {textErrors.length ? (
            <p className="field-error" id={`${id}-text-error`}>
              {textErrors.join(" ")}
            </p>
          ) : null}
          <textarea
            id={`${id}-text`}
            rows={3}
            maxLength={10000}
            value={text}
            aria-invalid={textErrors.length ? true : undefined}
            aria-describedby={textErrors.length ? `${id}-text-error` : undefined}
            onChange={(event) => setText(event.target.value)}
          />
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={isNew} onChange={(event) => setIsNew(event.target.checked)} />
          <span>From a new or unknown account (counts towards spam)</span>
        </label>
        <button type="submit" className="button button--secondary" disabled={preview.isPending}>
          {preview.isPending ? "Screening…" : "Screen this comment"}
        </button>
      </form>
      {preview.data && verdict ? (
        <div className="preview-result" role="status" aria-live="polite">
          <p className="status-panel__line">
            <StatusBadge label={verdict.label} tone={verdict.tone} icon={verdict.icon} prefix="Result:" />
            <span>{verdict.explain}</span>
          </p>
          <HighlightedText text={screened} spans={labelSpans(labels)} className="post-text" />
          {labels.length === 0 ? (
            <p className="notice notice--ok">
              <Icon name="check" /> Nothing was found.
            </p>
          ) : (
            <ul className="plain-list" aria-label="What the screening found">
              {labels.map((label, index) => (
                <li key={index} className="finding">
                  <strong>{words(LABEL_WORDS, label.label)}</strong>
                  <span className="hint"> · {Math.round(label.score * 100)}% sure</span>
                  {label.span ? <span className="hint"> · “{sliceCodePoints(screened, label.span)}”</span> : null}
                  {label.reason ? <p className="hint">{label.reason}</p> : null}
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
    </section>
  );
}

/** The words a span covers (spans count code points, as Python does). */
function sliceCodePoints(text: string, span: readonly number[]): string {
  return Array.from(text).slice(span[0], span[1]).join("");
}
