import type { ChannelKind } from "../api/channels";

/**
 * The settings each kind of account takes, in words (publishers/adapters.py SPECS, which
 * the API does not describe: see "Backend changes" in docs/architecture.md). Secrets are
 * write-only password fields; config is plain and shown back.
 */
export interface FieldSpec {
  name: string;
  label: string;
  hint?: string;
  required: boolean;
  /** Only for development set-ups (a local fake of the platform). */
  advanced?: boolean;
}

export interface KindSpec {
  label: string;
  help: string;
  secrets: FieldSpec[];
  config: FieldSpec[];
}

const API_BASE: FieldSpec = { name: "api_base", label: "Custom API host", hint: "Development only: leave blank.", required: false, advanced: true };
const APP_ID: FieldSpec = { name: "app_id", label: "App id", hint: "Optional: lets the health check read the token's permissions.", required: false };
const GRAPH_VERSION: FieldSpec = { name: "graph_version", label: "Graph API version", hint: "Optional: leave blank for the default.", required: false };

export const KINDS: Record<ChannelKind, KindSpec> = {
  website: {
    label: "School website",
    help: "The school's own news feed. It is built in and needs no credentials.",
    secrets: [],
    config: [],
  },
  x: {
    label: "X",
    help: "From the X developer portal: the app's API key and secret, and an access token and secret for the school's account with read and write permission.",
    secrets: [
      { name: "consumer_key", label: "API key (consumer key)", required: true },
      { name: "consumer_secret", label: "API key secret (consumer secret)", required: true },
      { name: "access_token", label: "Access token", required: true },
      { name: "access_token_secret", label: "Access token secret", required: true },
    ],
    config: [{ name: "user_id", label: "Account's numeric user id", hint: "Optional: looked up when blank.", required: false }, API_BASE],
  },
  facebook: {
    label: "Facebook Page",
    help: "From Meta for Developers: a long-lived Page access token and the app secret. The Page id is in the Page's About section.",
    secrets: [
      { name: "page_access_token", label: "Page access token", required: true },
      { name: "app_secret", label: "App secret", required: true },
      { name: "webhook_verify_token", label: "Webhook verify token", hint: "Optional: any long random text, the same as in the app's webhook settings.", required: false },
    ],
    config: [{ name: "page_id", label: "Page id", required: true }, APP_ID, GRAPH_VERSION, API_BASE],
  },
  instagram: {
    label: "Instagram",
    help: "An Instagram professional account linked to the school's Facebook Page: the Page's access token, the app secret and the Instagram account id.",
    secrets: [
      { name: "access_token", label: "Access token", hint: "Of the Facebook Page linked to the Instagram account.", required: true },
      { name: "app_secret", label: "App secret", required: true },
    ],
    config: [{ name: "ig_user_id", label: "Instagram professional account id", required: true }, APP_ID, GRAPH_VERSION, API_BASE],
  },
};

export const KIND_ORDER: readonly ChannelKind[] = ["website", "x", "facebook", "instagram"];

/** A secret field's name in words, for "stored" / "missing" lists. */
export function secretLabel(kind: ChannelKind, name: string): string {
  return KINDS[kind].secrets.find((field) => field.name === name)?.label ?? name.replace(/_/g, " ");
}
