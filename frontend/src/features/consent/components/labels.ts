import { CHANNEL_LABELS, CHANNELS } from "../../../lib/post";

/** Plain-English names for the register's codes (consent/models.py choices). */
export const PURPOSE_LABELS: Record<string, string> = {
  photo_website: "Photo on the school website",
  photo_x: "Photo on X",
  photo_facebook: "Photo on Facebook",
  photo_instagram: "Photo on Instagram",
  photo_press: "Photo in the press or print",
  name_with_photo: "Full name with a photo",
  first_name_only: "First name only",
  biometric: "Face matching (biometric)",
};

export const DECISION_LABELS: Record<string, string> = { granted: "Granted", refused: "Refused", withdrawn: "Withdrawn" };

export const METHOD_LABELS: Record<string, string> = {
  paper_form: "Paper form (scanned)",
  electronic_form: "Electronic form",
  verbal: "Verbal (logged by staff)",
  mis_import: "Imported from the MIS",
};

export const GIVEN_BY_LABELS: Record<string, string> = { contact: "A parent or carer", self: "The person themselves", mis: "The school's MIS record" };

export const FLAG_LABELS: Record<string, string> = {
  looked_after: "Looked-after child",
  adopted: "Adopted",
  protected_identity: "Protected identity",
  court_order: "Court order",
};

export const KIND_LABELS: Record<string, string> = { pupil: "Pupil", staff: "Staff", adult: "Other adult" };

export const STATUS_KIND_LABELS: Record<string, string> = { photo: "Photo", full_name: "Full name with photo", first_name: "First name" };

export const CHANNEL_ORDER: readonly string[] = CHANNELS;
export const CHANNEL_NAMES: Record<string, string> = CHANNEL_LABELS;

export function label(map: Record<string, string>, code: string): string {
  return map[code] ?? code.replace(/_/g, " ");
}

export interface ConsentSchool {
  id: number;
  name: string;
  /** The user's roles at this school. */
  roles: string[];
}

export const READ_ROLES = ["consent_admin", "leader", "dsl"];
export const SENSITIVE_ROLES = ["leader", "dsl"];
export const DPIA_ROLES = ["leader", "trust_admin"];

export function hasAny(school: ConsentSchool, roles: string[]): boolean {
  return school.roles.some((role) => roles.includes(role));
}
