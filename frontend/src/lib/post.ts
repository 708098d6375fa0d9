/**
 * What the staff screens (features/posts) and the leaders' screens (features/queue) both
 * need to know about a post: its types (from the generated schema), channels and their text
 * limits, status wording, and camelCase views of the check run, notes, approvals and diff.
 */
import type { ReactNode } from "react";
import type { components, paths } from "../client/schema";

export type PostDetail = components["schemas"]["PostDetailOutput"];
export type PostSummary = components["schemas"]["PostSummaryOutput"];
export type PostImage = components["schemas"]["ImageOutput"];
export type PostFace = components["schemas"]["FaceOutput"];
export type PostStatus = NonNullable<PostSummary["status"]>;
export type Channel = components["schemas"]["ChannelEnum"];
export type HistoryEvent = paths["/api/posts/{post_id}/history"]["get"]["responses"][200]["content"]["application/json"][number];

// --- channels -------------------------------------------------------------------------------

export const CHANNELS: readonly Channel[] = ["website", "x", "facebook", "instagram"];

export const CHANNEL_LABELS: Record<Channel, string> = {
  website: "School website",
  x: "X",
  facebook: "Facebook",
  instagram: "Instagram",
};

/** Characters of text each channel takes (moderation/models.py CHANNEL_TEXT_LIMITS). */
export const CHANNEL_TEXT_LIMITS: Record<Channel, number> = {
  x: 280,
  instagram: 2200,
  facebook: 63206,
  website: 10000,
};

export const MAX_PHOTOS = 4;

export function isChannel(value: unknown): value is Channel {
  return typeof value === "string" && (CHANNELS as readonly string[]).includes(value);
}

export function channelLabel(channel: string): string {
  return isChannel(channel) ? CHANNEL_LABELS[channel] : channel;
}

/** "the school website, X and Facebook": a post's channels in a sentence. */
export function channelsInWords(channels: readonly string[]): string {
  const names = channels.map((channel) => (channel === "website" ? "the school website" : channelLabel(channel)));
  if (names.length <= 1) return names[0] ?? "no channel";
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

export function postChannels(post: { channels?: readonly Channel[] }): Channel[] {
  return [...(post.channels ?? [])];
}

/** Length as the server counts it (Python: code points, so an emoji is one, not two). */
export function textLength(text: string): number {
  return Array.from(text).length;
}

/** A [start, end) span in code points (as the server sends it) as UTF-16 offsets. */
export function spanToUtf16(text: string, span: readonly [number, number]): [number, number] {
  const points = Array.from(text);
  const start = points.slice(0, span[0]).join("").length;
  const end = points.slice(0, span[1]).join("").length;
  return [start, end];
}

/** The start of a post's text on one line, cut at `length` characters with an ellipsis. */
export function postExcerpt(text: string | undefined, length = 90): string {
  const clean = (text ?? "").trim().replace(/\s+/g, " ");
  return clean.length > length ? `${clean.slice(0, length)}…` : clean;
}

/**
 * What a post is called in lists: the start of its text; a draft with no text is an
 * "Untitled draft" (not "photos only": it may have no photos either).
 */
export function postTitle(post: { id: number; text?: string; status?: string; image_count?: number }, length = 90): string {
  const words = postExcerpt(post.text, length);
  if (words) return words;
  if ((post.status ?? "draft") === "draft") return "Untitled draft";
  return post.image_count ? `Post ${post.id} (photos only)` : `Post ${post.id}`;
}

// --- statuses -------------------------------------------------------------------------------

export type Tone = "ok" | "warn" | "danger" | "info" | "neutral";
export type IconName = "check" | "cross" | "alert" | "clock" | "pencil" | "pause" | "send" | "info";

export interface StatusMeta {
  label: string;
  tone: Tone;
  icon: IconName;
  /** What it means for the author, in a sentence. */
  explain: string;
}

export const STATUS_META: Record<PostStatus, StatusMeta> = {
  draft: { label: "Draft", tone: "neutral", icon: "pencil", explain: "Not sent yet. Only you can see it." },
  submitted: { label: "Submitted", tone: "info", icon: "clock", explain: "Waiting for the safeguarding checks to start." },
  checking: { label: "Checking", tone: "info", icon: "clock", explain: "The safeguarding checks are running. This page updates by itself." },
  blocked: { label: "Blocked", tone: "danger", icon: "cross", explain: "The checks found something that must be fixed before a leader can approve it." },
  needs_tagging: { label: "Needs tagging", tone: "warn", icon: "alert", explain: "Someone in a photo is not identified. Tag or blur them." },
  awaiting_approval: { label: "Waiting for approval", tone: "info", icon: "clock", explain: "The checks passed. A member of the leadership team will approve it." },
  approved: { label: "Approved", tone: "ok", icon: "check", explain: "Approved. It will be published." },
  rejected: { label: "Rejected", tone: "danger", icon: "cross", explain: "A leader rejected this post. It will not be published." },
  changes_requested: { label: "Changes requested", tone: "warn", icon: "pencil", explain: "A leader asked for changes. Edit the post; it will be checked again." },
  scheduled: { label: "Scheduled", tone: "ok", icon: "clock", explain: "Approved, and waiting for its publishing time." },
  publishing: { label: "Publishing", tone: "info", icon: "send", explain: "Being published to its channels now." },
  published: { label: "Published", tone: "ok", icon: "check", explain: "Published on every channel." },
  partially_published: { label: "Partly published", tone: "warn", icon: "alert", explain: "Published on some channels but not all." },
  failed: { label: "Publishing failed", tone: "danger", icon: "cross", explain: "Publishing failed. A leader has been told." },
  expired: { label: "Expired", tone: "neutral", icon: "clock", explain: "It was not approved by its scheduled time, so it was not published." },
  takedown_requested: { label: "Takedown requested", tone: "warn", icon: "alert", explain: "This post must come down from its channels." },
  taken_down: { label: "Taken down", tone: "neutral", icon: "cross", explain: "Removed from its channels." },
};

function isPostStatus(value: string): value is PostStatus {
  return Object.hasOwn(STATUS_META, value);
}

/** Any status word the API sends (history events carry plain strings) in words. */
export function statusMeta(status: string | undefined): StatusMeta {
  const key = status ?? "draft";
  return isPostStatus(key) ? STATUS_META[key] : { label: key.replace(/_/g, " "), tone: "neutral", icon: "info", explain: "" };
}

/** The checks run in the background while a post is in these: poll it. */
export const CHECKING_STATUSES: readonly string[] = ["submitted", "checking"];

/** The post has been sent to its channels: each channel's publication is worth showing. */
export const PUBLISHED_STATUSES: readonly string[] = ["publishing", "published", "partially_published", "failed", "takedown_requested", "taken_down"];

/**
 * What the app puts on a post's page about its publications (the publishing feature's panel).
 * `onPostChanged` asks the page to fetch the post again after a change to a channel.
 */
export type PublishingSlot = (post: PostDetail, onPostChanged: () => void) => ReactNode;

/** The author can still change the post (moderation/workflow.py EDITABLE). */
export const EDITABLE_STATUSES: readonly string[] = [
  "draft", "blocked", "needs_tagging", "awaiting_approval", "changes_requested", "approved", "scheduled", "checking",
];

// --- the check run, notes, approvals and the diff, as the screens use them ------------------
//
// The schema types them (CheckRunOutput, NoteOutput, ApprovalOutput, PostVersionDiffOutput);
// these views only rename to camelCase and turn boxes and spans (typed `number[]`) into
// tuples, dropping any that are not the right length rather than guessing.

type CheckRunOutput = components["schemas"]["CheckRunOutput"];
type FindingOutput = components["schemas"]["FindingOutput"];
type FaceCheckOutput = components["schemas"]["FaceCheckOutput"];
type NoteOutput = components["schemas"]["NoteOutput"];
type ApprovalOutput = components["schemas"]["ApprovalOutput"];
export type PostDiffOutput = components["schemas"]["PostVersionDiffOutput"];

function box(value: readonly number[] | undefined): Box | null {
  if (!value || value.length !== 4) return null;
  const [top, right, bottom, left] = value;
  return top === undefined || right === undefined || bottom === undefined || left === undefined ? null : [top, right, bottom, left];
}
function span(value: readonly number[] | undefined): [number, number] | null {
  if (!value || value.length !== 2) return null;
  const [start, end] = value;
  return start === undefined || end === undefined ? null : [start, end];
}

/** [top, right, bottom, left] in pixels of the original photo (after EXIF orientation). */
export type Box = [number, number, number, number];

export type Severity = FindingOutput["severity"];
export type Verdict = CheckRunOutput["verdict"];

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  image: number | null;
  faceId: number | null;
  box: Box | null;
  /** "text" or "alt_text:<image id>" for findings about words. */
  field: string | null;
  /** [start, end) in code points of that field. */
  span: [number, number] | null;
  personId: number | null;
  channel: Channel | null;
  /** R21: the share of the picture the face fills, 0 to 1. */
  faceShare: number | null;
  remedies: string[];
}

export interface ChannelConsent {
  allowed: boolean;
  reason: string;
}

export interface FaceCheck {
  image: number | null;
  faceId: number | null;
  box: Box | null;
  identifiable: boolean;
  personId: number | null;
  matchReason: string | null;
  tag: string;
  blurred: boolean;
  flagged: boolean;
  consent: Partial<Record<string, ChannelConsent>>;
}

export interface CheckRun {
  id: number;
  verdict: Verdict;
  findings: Finding[];
  faces: FaceCheck[];
  createdAt: string;
  contentHash: string;
}

function findingView(value: FindingOutput): Finding {
  return {
    rule: value.rule,
    severity: value.severity,
    message: value.message,
    image: value.image ?? null,
    faceId: value.face_id ?? null,
    box: box(value.box),
    field: value.field ?? null,
    span: span(value.span),
    personId: value.person_id ?? null,
    channel: value.channel ?? null,
    faceShare: value.face_share ?? null,
    remedies: value.remedies,
  };
}

function faceCheckView(value: FaceCheckOutput): FaceCheck {
  const consent: Partial<Record<string, ChannelConsent>> = {};
  for (const [channel, decision] of Object.entries(value.consent)) {
    consent[channel] = { allowed: decision.allowed, reason: decision.reason };
  }
  return {
    image: value.image,
    faceId: value.face_id,
    box: box(value.box),
    identifiable: value.identifiable,
    personId: value.person_id,
    matchReason: value.match_reason,
    tag: value.tag,
    blurred: value.blurred,
    flagged: value.flagged,
    consent,
  };
}

export function checkRunView(run: CheckRunOutput | null | undefined): CheckRun | null {
  if (!run) return null;
  return {
    id: run.id,
    verdict: run.verdict,
    findings: run.findings.map(findingView),
    faces: run.faces.map(faceCheckView),
    createdAt: run.created_at,
    contentHash: run.content_hash,
  };
}

export interface Note {
  id: number;
  author: string;
  kind: string;
  text: string;
  version: number | null;
  createdAt: string;
}

export function notesView(notes: readonly NoteOutput[] | undefined): Note[] {
  return (notes ?? []).map((note) => ({
    id: note.id,
    author: note.author || "Someone",
    kind: note.kind || "comment",
    text: note.text,
    version: note.version,
    createdAt: note.created_at,
  }));
}

export interface ApprovalRecord {
  approver: string;
  approverId: number;
  contentHash: string;
  createdAt: string;
}

export function approvalsView(approvals: readonly ApprovalOutput[] | undefined): ApprovalRecord[] {
  return (approvals ?? []).map((a) => ({
    approver: a.approver || "A leader",
    approverId: a.approver_id,
    contentHash: a.content_hash,
    createdAt: a.created_at,
  }));
}

// --- what changed since a version -------------------------------------------------------------

export interface PostDiff {
  fromVersion: number;
  toVersion: number;
  textDiff: string[];
  /** The text word by word: runs kept, removed and added since the version seen. */
  textChanges: Array<{ change: "same" | "added" | "removed"; text: string }>;
  channelsBefore: string[];
  channelsNow: string[];
  imagesAdded: number[];
  imagesRemoved: number[];
  imagesChanged: number[];
  altTextChanged: number[];
}

export function diffView(diff: PostDiffOutput): PostDiff {
  return {
    fromVersion: diff.from_version,
    toVersion: diff.to_version,
    textDiff: diff.text_diff,
    textChanges: diff.text_changes,
    channelsBefore: diff.channels.before,
    channelsNow: diff.channels.now,
    imagesAdded: diff.images_added,
    imagesRemoved: diff.images_removed,
    imagesChanged: diff.images_changed,
    altTextChanged: diff.alt_text_changed,
  };
}

export function diffIsEmpty(diff: PostDiff): boolean {
  return (
    diff.textDiff.length === 0 &&
    diff.imagesAdded.length + diff.imagesRemoved.length + diff.imagesChanged.length + diff.altTextChanged.length === 0 &&
    [...diff.channelsBefore].sort().join() === [...diff.channelsNow].sort().join()
  );
}

// --- faces, in words ----------------------------------------------------------------------------

export interface FaceState {
  label: string;
  tone: Tone;
  /** Still stops the post (identifiable, not blurred, no person or consent missing). */
  needsAction: boolean;
}

/** How a face is described everywhere: identified person, unidentified, too small, ... */
export function faceState(face: PostFace, check: FaceCheck | undefined, channels: readonly string[]): FaceState {
  if (face.blurred) return { label: "Blurred", tone: "neutral", needsAction: false };
  if (face.tag === "not_a_face") return { label: "Not a face", tone: "neutral", needsAction: false };
  if (face.identifiable === false) return { label: "Too small to identify", tone: "neutral", needsAction: false };
  if (check?.flagged) return { label: `${face.person_label ?? "Someone"}: do not publish`, tone: "danger", needsAction: true };
  if (face.identity_dispute === "open")
    return { label: `${face.person_label ?? "Someone"} (recognised, disputed: a leader decides)`, tone: "danger", needsAction: true };
  if (face.tag === "adult_consent") {
    const name = face.adult_name?.trim();
    return { label: name ? `Adult with consent on file: ${name}` : "Adult with consent on file", tone: "ok", needsAction: false };
  }
  if (face.person_label) {
    const how = face.tag === "person" ? "tagged" : "recognised";
    const missing = channels.filter((channel) => check?.consent[channel]?.allowed === false);
    return missing.length > 0
      ? { label: `${face.person_label} (${how})`, tone: "danger", needsAction: true }
      : { label: `${face.person_label} (${how})`, tone: "ok", needsAction: false };
  }
  return { label: "Unidentified", tone: "warn", needsAction: true };
}

/** The check's view of each face, by face id. */
export function faceChecksById(run: CheckRun | null): Map<number, FaceCheck> {
  const out = new Map<number, FaceCheck>();
  for (const face of run?.faces ?? []) if (face.faceId !== null) out.set(face.faceId, face);
  return out;
}

/** "Photo 2", "Face 1 in photo 2": the numbering people see on screen. */
export function photoNumber(post: { images: PostImage[] }, imageId: number | null): number | null {
  const index = post.images.findIndex((image) => image.id === imageId);
  return index < 0 ? null : index + 1;
}

export function faceNumber(post: { images: PostImage[] }, faceId: number | null): { photo: number; face: number } | null {
  for (const [i, image] of post.images.entries()) {
    const j = image.faces.findIndex((face) => face.id === faceId);
    if (j >= 0) return { photo: i + 1, face: j + 1 };
  }
  return null;
}

/** Where a finding is, in words: "Face 1 in photo 2", "The text", "Photo 1's description". */
export function findingPlace(post: { images: PostImage[] }, finding: Finding): string {
  if (finding.faceId !== null) {
    const where = faceNumber(post, finding.faceId);
    if (where) return `Face ${where.face} in photo ${where.photo}`;
  }
  if (finding.field === "text") return "The text";
  if (finding.field?.startsWith("alt_text:")) {
    const n = photoNumber(post, Number(finding.field.slice("alt_text:".length)));
    return n ? `The description of photo ${n}` : "A photo description";
  }
  if (finding.image !== null) {
    const n = photoNumber(post, finding.image);
    if (n) return `Photo ${n}`;
  }
  return "The post";
}

export const RULE_TITLES: Record<string, string> = {
  R1: "No consent for this channel",
  R2: "Face not identified",
  R4: "A name beside an identifiable face",
  R5: "Personal contact details",
  R16: "Do not publish",
  R20: "A leader looks for anyone missed",
  R21: "A close-up of a face",
};

/** A finding's title in words; disputes and adult confirmations have their own. */
export function findingTitle(finding: Finding): string {
  if (finding.remedies.includes("resolve_dispute")) return "Recognition disputed";
  if (finding.remedies.includes("confirm_adult")) return "Adult tag waits for a leader";
  return RULE_TITLES[finding.rule] ?? "Safeguarding check";
}

/** A face the system recognised (not tagged by anyone) and nobody has disputed yet. */
export function mayDisputeFace(face: PostFace, check: FaceCheck | undefined): boolean {
  return (
    face.person !== null &&
    face.person !== undefined &&
    !face.tag &&
    !face.blurred &&
    face.identifiable !== false &&
    !face.identity_dispute &&
    !check?.flagged
  );
}

/** Image bytes change when faces are blurred under the same URL: make each version distinct. */
export function imageSrc(image: PostImage, variant: "large" | "medium" | "thumb", post: { version?: number }): string {
  const url = image.urls[variant] ?? "";
  const blurred = image.faces.filter((face) => face.blurred).length;
  return `${url}?v=${post.version ?? 0}-${blurred}`;
}
