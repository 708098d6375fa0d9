/**
 * What the staff screens (features/posts) and the leaders' screens (features/queue) both
 * need to know about a post: its types (from the generated schema), channels and their text
 * limits, status wording, and the parts of the post the schema does not describe yet.
 *
 * SCHEMA-GAP (docs/architecture.md, "Front end"): `channels`, `check_run`, `approvals` and
 * `notes` of PostDetailOutput and the body of GET /api/posts/{id}/diff are typed `unknown` /
 * `{[key]: unknown}` in openapi.yaml (SerializerMethodField / JSONField / `responses=dict`).
 * The decoders below check their shape at run time instead of trusting a cast; anything
 * malformed is dropped, never guessed. They stay correct once the schema describes them.
 */
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

export function postChannels(post: { channels?: unknown }): Channel[] {
  return Array.isArray(post.channels) ? post.channels.filter(isChannel) : [];
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

export function statusMeta(status: string | undefined): StatusMeta {
  return STATUS_META[(status ?? "draft") as PostStatus] ?? { label: status ?? "Unknown", tone: "neutral", icon: "info", explain: "" };
}

/** The checks run in the background while a post is in these: poll it. */
export const CHECKING_STATUSES: readonly string[] = ["submitted", "checking"];

/** The author can still change the post (moderation/workflow.py EDITABLE). */
export const EDITABLE_STATUSES: readonly string[] = [
  "draft", "blocked", "needs_tagging", "awaiting_approval", "changes_requested", "approved", "scheduled", "checking",
];

// --- decoding helpers -------------------------------------------------------------------------

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
function str(value: unknown, fallback = ""): string {
  return typeof value === "string" ? value : fallback;
}
function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
function box(value: unknown): Box | null {
  if (!Array.isArray(value) || value.length !== 4 || !value.every((v) => typeof v === "number")) return null;
  return [value[0], value[1], value[2], value[3]] as Box;
}
function span(value: unknown): [number, number] | null {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === "number")) return null;
  return [value[0], value[1]] as [number, number];
}
function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
function numbers(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : [];
}

// --- the check run -------------------------------------------------------------------------

/** [top, right, bottom, left] in pixels of the original photo (after EXIF orientation). */
export type Box = [number, number, number, number];

export type Severity = "block" | "tag" | "confirm";

export interface Finding {
  rule: string;
  severity: Severity | string;
  message: string;
  image: number | null;
  faceId: number | null;
  box: Box | null;
  /** "text" or "alt_text:<image id>" for findings about words. */
  field: string | null;
  /** [start, end) in code points of that field. */
  span: [number, number] | null;
  personId: number | null;
  channel: string | null;
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
  verdict: string;
  findings: Finding[];
  faces: FaceCheck[];
  createdAt: string;
  contentHash: string;
}

function decodeFinding(value: unknown): Finding | null {
  if (!isObject(value) || typeof value.rule !== "string" || typeof value.message !== "string") return null;
  return {
    rule: value.rule,
    severity: str(value.severity),
    message: value.message,
    image: num(value.image),
    faceId: num(value.face_id),
    box: box(value.box),
    field: typeof value.field === "string" ? value.field : null,
    span: span(value.span),
    personId: num(value.person_id),
    channel: typeof value.channel === "string" ? value.channel : null,
    remedies: strings(value.remedies),
  };
}

function decodeFaceCheck(value: unknown): FaceCheck | null {
  if (!isObject(value)) return null;
  const consent: Partial<Record<string, ChannelConsent>> = {};
  if (isObject(value.consent)) {
    for (const [channel, decision] of Object.entries(value.consent)) {
      if (isObject(decision) && typeof decision.allowed === "boolean") {
        consent[channel] = { allowed: decision.allowed, reason: str(decision.reason) };
      }
    }
  }
  return {
    image: num(value.image),
    faceId: num(value.face_id),
    box: box(value.box),
    identifiable: value.identifiable !== false,
    personId: num(value.person_id),
    matchReason: typeof value.match_reason === "string" ? value.match_reason : null,
    tag: str(value.tag),
    blurred: value.blurred === true,
    flagged: value.flagged === true,
    consent,
  };
}

export function decodeCheckRun(value: unknown): CheckRun | null {
  if (!isObject(value) || typeof value.id !== "number") return null;
  const findings = Array.isArray(value.findings) ? value.findings.map(decodeFinding) : [];
  const faces = Array.isArray(value.faces) ? value.faces.map(decodeFaceCheck) : [];
  return {
    id: value.id,
    verdict: str(value.verdict),
    findings: findings.filter((f): f is Finding => f !== null),
    faces: faces.filter((f): f is FaceCheck => f !== null),
    createdAt: str(value.created_at),
    contentHash: str(value.content_hash),
  };
}

// --- notes and approvals --------------------------------------------------------------------

export interface Note {
  id: number;
  author: string;
  kind: string;
  text: string;
  version: number | null;
  createdAt: string;
}

export function decodeNotes(value: unknown): Note[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item): Note[] =>
    isObject(item) && typeof item.id === "number" && typeof item.text === "string"
      ? [{ id: item.id, author: str(item.author, "Someone"), kind: str(item.kind, "comment"), text: item.text, version: num(item.version), createdAt: str(item.created_at) }]
      : [],
  );
}

export interface ApprovalRecord {
  approver: string;
  approverId: number | null;
  contentHash: string;
  createdAt: string;
}

export function decodeApprovals(value: unknown): ApprovalRecord[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item): ApprovalRecord[] =>
    isObject(item)
      ? [{ approver: str(item.approver, "A leader"), approverId: num(item.approver_id), contentHash: str(item.content_hash), createdAt: str(item.created_at) }]
      : [],
  );
}

// --- what changed since a version -------------------------------------------------------------

export interface PostDiff {
  fromVersion: number;
  toVersion: number;
  textDiff: string[];
  channelsBefore: string[];
  channelsNow: string[];
  imagesAdded: number[];
  imagesRemoved: number[];
  imagesChanged: number[];
  altTextChanged: number[];
}

export function decodeDiff(value: unknown): PostDiff | null {
  if (!isObject(value) || typeof value.from_version !== "number" || typeof value.to_version !== "number") return null;
  const channels = isObject(value.channels) ? value.channels : {};
  return {
    fromVersion: value.from_version,
    toVersion: value.to_version,
    textDiff: strings(value.text_diff),
    channelsBefore: strings(channels.before),
    channelsNow: strings(channels.now),
    imagesAdded: numbers(value.images_added),
    imagesRemoved: numbers(value.images_removed),
    imagesChanged: numbers(value.images_changed),
    altTextChanged: numbers(value.alt_text_changed),
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
  if (face.tag === "adult_consent") return { label: "Adult with consent on file", tone: "ok", needsAction: false };
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
  R20: "No face found",
};

/** Image bytes change when faces are blurred under the same URL: make each version distinct. */
export function imageSrc(image: PostImage, variant: "large" | "medium" | "thumb", post: { version?: number }): string {
  const url = image.urls[variant] ?? "";
  const blurred = image.faces.filter((face) => face.blurred).length;
  return `${url}?v=${post.version ?? 0}-${blurred}`;
}
