import { useId, useState, type FormEvent } from "react";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { StatusBadge } from "../../../components/StatusBadge";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import { useMentionAction, useMentions, useMentionWatch, useSaveMentionWatch, useSaveXCosts, useXCosts, type MentionWatch, type XCosts } from "../api/procedures";

const SOURCE_WORDS: Record<string, string> = { bluesky: "Bluesky", x: "X" };

/** The dashboard's list of posts elsewhere that mention the school, alerted ones first. */
export function MentionsPanel() {
  const id = useId();
  const mentions = useMentions();
  const act = useMentionAction();
  const rows = mentions.data ?? [];
  return (
    <section className="panel" aria-labelledby={`${id}-mentions`}>
      <h2 id={`${id}-mentions`}>Mentions of the school</h2>
      <p className="hint">Posts elsewhere (Bluesky, and X where the school turned it on) that use the school&apos;s watch terms. Any naming a pupil, or threatening, go to the DSL.</p>
      <ErrorSummary messages={[...errorMessages(mentions.error).top, ...errorMessages(act.error).top]} />
      {rows.length === 0 && mentions.data ? <p>No new mentions.</p> : null}
      <ul className="card-list mention-list" aria-label="Mentions">
        {rows.map((mention) => (
          <li key={mention.id} className="card">
            <div className="card-main">
              <p className="post-card__meta">
                {mention.alerted ? <StatusBadge label={mention.names_pupil ? "Names a pupil: DSL alerted" : "Threatening: DSL alerted"} tone="danger" icon="alert" /> : <StatusBadge label="Mention" tone="neutral" icon="clock" />}
                <span>
                  {SOURCE_WORDS[mention.source] ?? mention.source} · {mention.author_handle || "unknown"} · {formatDateTime(mention.posted_at ?? mention.found_at)}
                </span>
              </p>
              <p className="mention-text">{mention.text}</p>
              <div className="actions">
                {mention.url ? (
                  <a href={mention.url} target="_blank" rel="noreferrer noopener">
                    Open it
                  </a>
                ) : null}
                <button type="button" className="button button--secondary" disabled={act.isPending || mention.state === "captured"} onClick={() => act.mutate({ mentionId: mention.id, action: "capture" })}>
                  {mention.state === "captured" ? "Evidence captured" : "Capture evidence"}
                </button>
                <button type="button" className="button button--secondary" disabled={act.isPending} onClick={() => act.mutate({ mentionId: mention.id, action: "dismiss" })}>
                  Nothing to do
                </button>
              </div>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

const dollars = (value: string | null | undefined) => (value === null || value === undefined ? "none" : `$${Number(value).toFixed(2)}`);

/** A school's settings page: what X costs this month, the budget, reply polling and the mention watch. */
export function XCostsAndWatch({ schoolId, canEdit }: { schoolId: number; canEdit: boolean }) {
  const costs = useXCosts(schoolId);
  const watch = useMentionWatch(schoolId);
  return (
    <>
      <ErrorSummary messages={[...errorMessages(costs.error).top, ...errorMessages(watch.error).top]} />
      {costs.data ? <XCostsForm key={costs.data.budget_usd ?? "none"} schoolId={schoolId} costs={costs.data} canEdit={canEdit} /> : null}
      {watch.data ? <WatchForm key={watch.data.terms.join("|")} schoolId={schoolId} watch={watch.data} canEdit={canEdit} /> : null}
    </>
  );
}

function XCostsForm({ schoolId, costs, canEdit }: { schoolId: number; costs: XCosts; canEdit: boolean }) {
  const id = useId();
  const save = useSaveXCosts(schoolId);
  const [budget, setBudget] = useState(costs.budget_usd ?? "");
  const errors = errorMessages(save.error, ["monthly_budget_usd"]);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    save.mutate({ monthly_budget_usd: budget.trim() === "" ? null : budget.trim() });
  }
  return (
    <section className="panel" aria-labelledby={`${id}-x`}>
      <h2 id={`${id}-x`}>What X costs</h2>
      <p>
        Spent this month: <strong>{dollars(costs.spent_usd)}</strong> of a budget of <strong>{dollars(costs.budget_usd)}</strong>
        {costs.over_budget ? " — over budget: X mention searches are paused and posts need a leader's confirmation." : ""}
      </p>
      <p className="hint">
        X charges ${costs.prices.post} a post, ${costs.prices.post_with_link} for a post containing a link, ${costs.prices.owned_read} to read one of the
        school&apos;s own posts and ${costs.prices.other_read} for anyone else&apos;s (each reply read).
      </p>
      <p>Reading replies on X: {costs.reply_polling_enabled ? "on" : "off"}.</p>
      {canEdit ? (
        <form onSubmit={submit} aria-label="X budget">
          <ErrorSummary messages={errors.top} />
          <div className="field">
            <label htmlFor={`${id}-budget`}>Monthly X budget in US dollars (empty for none)</label>
            <input id={`${id}-budget`} inputMode="decimal" value={budget} onChange={(e) => setBudget(e.target.value)} />
            {errors.fields.monthly_budget_usd ? <p className="field-error">{errors.fields.monthly_budget_usd.join(" ")}</p> : null}
          </div>
          <div className="actions">
            <button type="submit" className="button button--primary" disabled={save.isPending}>
              Save the budget
            </button>
            <button type="button" className="button button--secondary" disabled={save.isPending} onClick={() => save.mutate({ reply_polling_enabled: !costs.reply_polling_enabled })}>
              {costs.reply_polling_enabled ? "Stop reading X replies" : "Read X replies (paid)"}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

function WatchForm({ schoolId, watch, canEdit }: { schoolId: number; watch: MentionWatch; canEdit: boolean }) {
  const id = useId();
  const save = useSaveMentionWatch(schoolId);
  const [terms, setTerms] = useState(watch.terms.join("\n"));
  const [xOn, setXOn] = useState(watch.x_search_enabled);
  const errors = errorMessages(save.error, ["terms"]);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    save.mutate({ terms: terms.split("\n").map((t) => t.trim()).filter(Boolean), x_search_enabled: xOn });
  }
  return (
    <section className="panel" aria-labelledby={`${id}-watch`}>
      <h2 id={`${id}-watch`}>Watch for mentions of the school</h2>
      {watch.last_notice ? <p className="notice notice--warn">{watch.last_notice}</p> : null}
      <form onSubmit={submit} aria-label="Mention watch">
        <ErrorSummary messages={errors.top} />
        <div className="field">
          <label htmlFor={`${id}-terms`}>Watch terms, one a line</label>
          <p className="hint">The school&apos;s name, unofficial page names, hashtags.</p>
          <textarea id={`${id}-terms`} rows={4} value={terms} disabled={!canEdit} onChange={(e) => setTerms(e.target.value)} />
          {errors.fields.terms ? <p className="field-error">{errors.fields.terms.join(" ")}</p> : null}
        </div>
        <div className="field">
          <label>
            <input type="checkbox" checked={xOn} disabled={!canEdit} onChange={(e) => setXOn(e.target.checked)} /> Also search X (up to ${watch.x_search_cost_usd} a term each search)
          </label>
        </div>
        {canEdit ? (
          <button type="submit" className="button button--primary" disabled={save.isPending}>
            Save the watch
          </button>
        ) : null}
      </form>
    </section>
  );
}
