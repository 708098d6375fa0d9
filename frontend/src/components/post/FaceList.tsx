import type { ReactNode } from "react";
import { formatDateTime } from "../../lib/format";
import { channelLabel, faceState, type FaceCheck, type PostFace, type PostImage } from "../../lib/post";
import { Icon } from "../Icon";

/**
 * Every face in one photo, numbered as on the photo, with what it is (identified person,
 * unidentified, too small, blurred, not a face) and its consent for each channel.
 */
export function FaceList({
  image,
  checks,
  channels,
  actions,
}: {
  image: PostImage;
  checks: Map<number, FaceCheck>;
  channels: readonly string[];
  actions?: (faceId: number) => ReactNode;
}) {
  if (image.faces.length === 0) {
    return <p className="hint">No faces found in this photo.</p>;
  }
  return (
    <ol className="face-list">
      {image.faces.map((face, index) => {
        const check = checks.get(face.id);
        const state = faceState(face, check, channels);
        const showConsent = !face.blurred && face.tag !== "not_a_face" && face.identifiable !== false && face.tag !== "adult_consent";
        return (
          <li key={face.id} className={`face-item face-item--${state.tone}`}>
            <p className="face-item__title">
              <span className="face-item__number" aria-hidden="true">
                {index + 1}
              </span>
              <span>
                <span className="visually-hidden">Face {index + 1}: </span>
                <strong>{state.label}</strong>
                {face.source === "manual" ? <span className="hint"> (box drawn by hand)</span> : null}
              </span>
            </p>
            <FaceRecord face={face} />
            {showConsent ? (
              check && Object.keys(check.consent).length > 0 ? (
                <ul className="consent-chips" aria-label={`Consent for face ${index + 1}`}>
                  {channels.map((channel) => {
                    const decision = check.consent[channel];
                    if (!decision) return null;
                    return (
                      <li key={channel} className={decision.allowed ? "chip chip--ok" : "chip chip--danger"}>
                        <Icon name={decision.allowed ? "check" : "cross"} />
                        {channelLabel(channel)}: {decision.allowed ? "may appear" : `no consent (${decision.reason})`}
                      </li>
                    );
                  })}
                </ul>
              ) : check?.flagged ? null : (
                <p className="hint">Consent is checked once the face is identified or tagged.</p>
              )
            ) : null}
            {actions ? actions(face.id) : null}
          </li>
        );
      })}
    </ol>
  );
}

const DISPUTE_OUTCOMES: Record<string, string> = {
  open: "waiting for a leader to decide",
  upheld: "a leader agreed: the recognition was removed",
  rejected: "a leader decided the recognition is right",
};

/** Who tagged a face and when, in words: "tagged as an adult by Sam Teacher, 5 Dec 2026, 14:02". */
export function taggedBy(face: PostFace): string | null {
  if (!face.tag || !face.tagged_by_name) return null;
  const what = face.tag === "adult_consent" ? "Tagged as an adult" : face.tag === "not_a_face" ? "Marked as not a face" : "Tagged";
  return `${what} by ${face.tagged_by_name}${face.tagged_at ? `, ${formatDateTime(face.tagged_at)}` : ""}`;
}

/** What the full-screen viewer says beside a face's number: what it is, and who said so. */
export function faceNote(face: PostFace, check: FaceCheck | undefined, channels: readonly string[]): string {
  const who = taggedBy(face);
  const label = faceState(face, check, channels).label;
  return who ? `${label}. ${who}.` : `${label}.`;
}

/** Who tagged the face and when, which adult, who confirmed it, and any dispute (R1, R2). */
function FaceRecord({ face }: { face: PostFace }) {
  const tagged = taggedBy(face);
  const disputes = face.disputes ?? [];
  if (!tagged && disputes.length === 0) return null;
  return (
    <ul className="face-record hint">
      {tagged ? (
        <li>
          {tagged}
          {face.tag === "adult_consent" && face.adult_confirmed_by_name
            ? face.adult_confirmed_by === face.tagged_by
              ? " (a leader)"
              : `; confirmed by ${face.adult_confirmed_by_name}${face.adult_confirmed_at ? `, ${formatDateTime(face.adult_confirmed_at)}` : ""}`
            : ""}
        </li>
      ) : null}
      {disputes.map((dispute) => (
        <li key={dispute.id}>
          {dispute.raised_by_name} said this is not {dispute.person_label ?? "the person recognised"}
          {dispute.created_at ? ` (${formatDateTime(dispute.created_at)})` : ""}: &ldquo;{dispute.reason}&rdquo; &mdash;{" "}
          {DISPUTE_OUTCOMES[dispute.status ?? "open"]}
          {dispute.resolved_by_name ? ` (${dispute.resolved_by_name}: “${dispute.resolution_reason ?? ""}”)` : ""}.
        </li>
      ))}
    </ul>
  );
}
