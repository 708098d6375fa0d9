import { CHANNEL_LABELS } from "../../../lib/post";

/** The comment codes in plain English. */
export const LABEL_WORDS: Record<string, string> = {
  threat: "Threat",
  hate: "Hate",
  sexual: "Sexual content",
  self_harm: "Self-harm",
  allegation: "Allegation about staff or pupils",
  profanity: "Swearing",
  personal_data: "Personal details",
  spam: "Spam or scam",
};

export const REVIEW_WORDS: Record<string, string> = {
  none: "Nothing to do",
  open: "Awaiting a decision",
  approved: "Approved",
  kept_hidden: "Kept hidden",
  deleted: "Deleted",
};

export const STATUS_WORDS: Record<string, string> = { visible: "Visible to the public", hidden: "Hidden", deleted: "Deleted" };

export const CHANNEL_WORDS: Record<string, string> = CHANNEL_LABELS;

export const ACTION_WORDS: Record<string, string> = {
  hide: "Hidden on the platform",
  approve: "Approved",
  keep_hidden: "Kept hidden",
  delete: "Deleted",
  block: "Author blocked",
  report: "Reported",
  reply: "Reply drafted",
  assign: "Assigned",
  note: "Note",
  escalate: "Escalated to the DSL",
  edited: "Edited by its author",
  platform_change: "Changed on the platform",
};

export const PLATFORM_STATE_WORDS: Record<string, string> = {
  pending: "waiting for the platform",
  done: "done on the platform",
  failed: "the platform refused: will retry",
  unsupported: "this platform does not allow it",
  superseded: "overtaken by a later action",
};

export const EVIDENCE_REASON_WORDS: Record<string, string> = {
  before_hide: "Captured before hiding",
  before_delete: "Captured before deleting",
  manual: "Captured by hand",
};

export const BULK_WORDS: Record<string, string> = {
  approve: "Approve",
  keep_hidden: "Keep hidden",
  delete: "Delete",
  block_author: "Block the authors",
  report: "Mark as reported",
  assign: "Assign to me",
};

export function words(map: Record<string, string>, code: string | undefined | null): string {
  if (!code) return "";
  const known = map[code];
  if (known !== undefined) return known;
  // A code with no words yet still reads as a label: "Escalated to dsl", not "escalated_to_dsl".
  const plain = code.replace(/_/g, " ");
  return plain.charAt(0).toUpperCase() + plain.slice(1);
}
