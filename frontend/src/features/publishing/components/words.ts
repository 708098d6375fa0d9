import type { IconName, Tone } from "../../../lib/post";
import type { PublicationState, TakedownState } from "../api/publishing";

/** True when `key` is one of the map's own keys (so the lookup is typed, not cast). */
function hasKey<T extends object>(map: T, key: string): key is Extract<keyof T, string> {
  return Object.hasOwn(map, key);
}

export interface StateWords {
  label: string;
  tone: Tone;
  icon: IconName;
}

/** A channel's publication, in words (publishers/models.py Publication.State). */
export const PUBLICATION_WORDS: Record<PublicationState, StateWords> = {
  queued: { label: "Waiting to publish", tone: "info", icon: "clock" },
  attempting: { label: "Publishing now", tone: "info", icon: "send" },
  published: { label: "Published", tone: "ok", icon: "check" },
  failed: { label: "Not published", tone: "danger", icon: "cross" },
  unconfirmed: { label: "Not sure it appeared", tone: "warn", icon: "alert" },
  taken_down: { label: "Taken down", tone: "neutral", icon: "cross" },
};

export function publicationWords(state: string | undefined): StateWords {
  return state && hasKey(PUBLICATION_WORDS, state)
    ? PUBLICATION_WORDS[state]
    : { label: (state ?? "unknown").replace(/_/g, " "), tone: "neutral", icon: "info" };
}

export const TAKEDOWN_WORDS: Record<TakedownState, StateWords & { explain: string }> = {
  awaiting_confirmation: {
    label: "Waiting for a leader to confirm",
    tone: "danger",
    icon: "alert",
    explain: "It is hidden on the school website already. A leader must confirm deleting it from the other channels.",
  },
  confirmed: { label: "Coming down", tone: "info", icon: "clock", explain: "Being deleted from each channel. We keep trying until it is gone." },
  done: { label: "Taken down everywhere", tone: "ok", icon: "check", explain: "Removed from every channel." },
};

export function takedownWords(state: string | undefined): StateWords & { explain: string } {
  return state && hasKey(TAKEDOWN_WORDS, state)
    ? TAKEDOWN_WORDS[state]
    : { label: (state ?? "unknown").replace(/_/g, " "), tone: "neutral", icon: "info", explain: "" };
}

/**
 * One channel during a takedown. Asking for a takedown hides the website news item at once
 * (moderation/takedowns.py takedown_request_for_post); once confirmed, anything not yet
 * down is being deleted.
 */
export function channelProgress(channel: { channel: string; state: string; error: string }, takedownState: string | undefined): StateWords {
  if (channel.state === "taken_down") return { label: "Taken down", tone: "ok", icon: "check" };
  if (takedownState === "awaiting_confirmation" && channel.channel === "website" && channel.state === "published") {
    return { label: "Hidden from the public", tone: "warn", icon: "pause" };
  }
  if (takedownState === "confirmed") {
    return channel.error
      ? { label: "Deleting: trying again", tone: "warn", icon: "alert" }
      : { label: "Deleting", tone: "info", icon: "clock" };
  }
  return publicationWords(channel.state);
}
