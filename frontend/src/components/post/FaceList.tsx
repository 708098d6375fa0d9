import type { ReactNode } from "react";
import { channelLabel, faceState, type FaceCheck, type PostImage } from "../../lib/post";
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
