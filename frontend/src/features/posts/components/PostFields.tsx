import { useId, type Ref } from "react";
import { Link } from "react-router";
import { Icon } from "../../../components/Icon";
import { CHANNEL_LABELS, CHANNEL_TEXT_LIMITS, CHANNELS, textLength, type Channel } from "../../../lib/post";
import { useSchoolChannels } from "../api/posts";

export interface PostFieldsValue {
  text: string;
  channels: Channel[];
  /** As a datetime-local input holds it ("2026-11-03T10:30"), or "" for "as soon as approved". */
  scheduledAt: string;
}

/** ISO time from the server -> the value a datetime-local input shows (local time). */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A datetime-local value (local time) -> ISO for the API, or null. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function overLimit(value: PostFieldsValue): Channel[] {
  const length = textLength(value.text);
  return value.channels.filter((channel) => length > CHANNEL_TEXT_LIMITS[channel]);
}

/** What stops the fields being sent, by field, in words; empty when they may be sent. */
export function fieldProblems(value: PostFieldsValue): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  if (value.channels.length === 0) problems.channels = ["Choose at least one channel to publish to."];
  if (overLimit(value).length > 0) problems.text = ["The text is too long for a channel you chose: shorten it or untick that channel."];
  return problems;
}

/** The fields as the API takes them. */
export function postBody(value: PostFieldsValue) {
  return { text: value.text, channels: value.channels, scheduled_at: fromLocalInput(value.scheduledAt) };
}

/**
 * The text, the channels (with each one's text limit counted live) and the schedule.
 * Field errors from the API arrive in `errors` under text / channels / scheduled_at.
 */
export function PostFields({
  value,
  onChange,
  errors = {},
  textRef,
  schoolId,
  canConnectChannels = false,
}: {
  value: PostFieldsValue;
  onChange: (value: PostFieldsValue) => void;
  errors?: Record<string, string[]>;
  textRef?: Ref<HTMLTextAreaElement>;
  /** Whose channels to offer: only those with a connected account (and any already chosen). */
  schoolId?: number | undefined;
  /** The user is a trust administrator of the school: link them to the Channels page. */
  canConnectChannels?: boolean;
}) {
  const id = useId();
  const connected = useConnectedChannels(schoolId);
  const offered = CHANNELS.filter((c) => connected === null || connected.has(c) || value.channels.includes(c));
  const missing = connected === null ? [] : CHANNELS.filter((c) => !connected.has(c));
  const length = textLength(value.text);
  const over = overLimit(value);
  const textErrors = errors.text ?? [];
  const channelErrors = errors.channels ?? [];
  const scheduleErrors = errors.scheduled_at ?? [];

  function toggle(channel: Channel, on: boolean) {
    const channels = on ? CHANNELS.filter((c) => c === channel || value.channels.includes(c)) : value.channels.filter((c) => c !== channel);
    onChange({ ...value, channels });
  }

  return (
    <>
      <div className={`field${textErrors.length || over.length ? " field--error" : ""}`}>
        <label htmlFor={`${id}-text`}>Text</label>
        <p className="hint" id={`${id}-text-hint`}>
          Use first names only. Never add anyone&apos;s contact details.
        </p>
        {textErrors.length ? (
          <p className="field-error" id={`${id}-text-error`}>
            {textErrors.map((message) => (
              <span key={message}>{message}</span>
            ))}
          </p>
        ) : null}
        <textarea
          ref={textRef}
          id={`${id}-text`}
          name="text"
          rows={6}
          value={value.text}
          aria-invalid={textErrors.length || over.length ? true : undefined}
          aria-describedby={`${id}-text-hint ${id}-counts${textErrors.length ? ` ${id}-text-error` : ""}`}
          onChange={(event) => onChange({ ...value, text: event.target.value })}
        />
        <ul className="limits" id={`${id}-counts`} aria-label="Length for each channel">
          {value.channels.length === 0 ? <li className="hint">{length} characters. Choose channels to see their limits.</li> : null}
          {value.channels.map((channel) => {
            const limit = CHANNEL_TEXT_LIMITS[channel];
            const tooLong = length > limit;
            return (
              <li key={channel} className={tooLong ? "limit limit--over" : "limit"}>
                {tooLong ? <Icon name="alert" /> : null}
                {CHANNEL_LABELS[channel]}: {length.toLocaleString("en-GB")} of {limit.toLocaleString("en-GB")}
                {tooLong ? ` — ${(length - limit).toLocaleString("en-GB")} too many` : ""}
              </li>
            );
          })}
        </ul>
        <p className="visually-hidden" aria-live="polite">
          {over.length ? `Too long for ${over.map((c) => CHANNEL_LABELS[c]).join(" and ")}.` : ""}
        </p>
      </div>

      <fieldset className={`field fieldset${channelErrors.length ? " field--error" : ""}`} aria-describedby={channelErrors.length ? `${id}-channels-error` : undefined}>
        <legend>Where to publish</legend>
        {channelErrors.length ? (
          <p className="field-error" id={`${id}-channels-error`}>
            {channelErrors.map((message) => (
              <span key={message}>{message}</span>
            ))}
          </p>
        ) : null}
        <div className="checkboxes">
          {offered.map((channel) => (
            <label key={channel} className="checkbox">
              <input
                type="checkbox"
                name="channels"
                value={channel}
                checked={value.channels.includes(channel)}
                onChange={(event) => toggle(channel, event.target.checked)}
              />
              <span>
                {CHANNEL_LABELS[channel]}
                <span className="hint"> (up to {CHANNEL_TEXT_LIMITS[channel].toLocaleString("en-GB")} characters)</span>
                {connected && !connected.has(channel) ? (
                  <span className="field-error"> No account is connected: untick it, or the post cannot go out there.</span>
                ) : null}
              </span>
            </label>
          ))}
        </div>
        {missing.length > 0 ? (
          <p className="hint">
            Not offered: {missing.map((c) => CHANNEL_LABELS[c]).join(", ")}. The school has no account connected for{" "}
            {missing.length === 1 ? "it" : "them"}
            {canConnectChannels ? (
              <>
                . <Link to="/channels">Connect {inWords(missing)} on the Channels page</Link>.
              </>
            ) : (
              "; a trust administrator can connect one on the Channels page."
            )}
          </p>
        ) : null}
      </fieldset>

      <div className={`field${scheduleErrors.length ? " field--error" : ""}`}>
        <label htmlFor={`${id}-schedule`}>Publish at (optional)</label>
        <p className="hint" id={`${id}-schedule-hint`}>
          Leave empty to publish as soon as it is approved. A post not approved by this time is not published.
        </p>
        {scheduleErrors.length ? (
          <p className="field-error" id={`${id}-schedule-error`}>
            {scheduleErrors.map((message) => (
              <span key={message}>{message}</span>
            ))}
          </p>
        ) : null}
        <input
          id={`${id}-schedule`}
          type="datetime-local"
          name="scheduled_at"
          value={value.scheduledAt}
          aria-invalid={scheduleErrors.length ? true : undefined}
          aria-describedby={`${id}-schedule-hint${scheduleErrors.length ? ` ${id}-schedule-error` : ""}`}
          onChange={(event) => onChange({ ...value, scheduledAt: event.target.value })}
        />
      </div>
    </>
  );
}

/** "X", "X and Facebook", "X, Facebook and Instagram". */
function inWords(channels: Channel[]): string {
  const labels = channels.map((c) => CHANNEL_LABELS[c]);
  return labels.length < 2 ? labels.join("") : `${labels.slice(0, -1).join(", ")} and ${labels[labels.length - 1]}`;
}

/** The channels the school can post to, or null while unknown (then every channel is offered). */
function useConnectedChannels(schoolId: number | undefined): Set<Channel> | null {
  const channels = useSchoolChannels(schoolId);
  if (!channels.data) return null;
  return new Set(channels.data.filter((c) => c.connected).map((c) => c.kind as Channel));
}
