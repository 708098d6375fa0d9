import type { Box, Tone } from "../../lib/post";

export interface FaceMark {
  id: number;
  /** [top, right, bottom, left] in pixels of the original photo. */
  box: Box;
  /** Shown on the box and in the list beside the photo. */
  number: number;
  tone: Tone;
  /** The finding being looked at points here. */
  current?: boolean;
  /** What the face is and who said so ("Adult with consent, tagged by Sam Teacher, 5 Dec 2026"): shown in the full-screen viewer. */
  note?: string | undefined;
}

/** Where a box sits, in percent of the photo: scales with whatever size it is shown at. */
export function boxStyle(box: Box, width: number, height: number) {
  const [top, right, bottom, left] = box;
  return {
    left: `${(left / width) * 100}%`,
    top: `${(top / height) * 100}%`,
    width: `${((right - left) / width) * 100}%`,
    height: `${((bottom - top) / height) * 100}%`,
  };
}

/** A face near the top of the photo has its number below the box, else above: never on the face. */
function badgeBelow(box: Box, height: number): boolean {
  return box[0] / height < 0.12;
}

/** The face boxes over a photo, each numbered outside the face it marks. */
export function FaceBoxes({ faces, width, height }: { faces: FaceMark[]; width: number; height: number }) {
  return (
    <>
      {faces.map((face) => (
        <span
          key={face.id}
          className={`face-box face-box--${face.tone}${face.current ? " face-box--current" : ""}${badgeBelow(face.box, height) ? " face-box--badge-below" : ""}`}
          style={boxStyle(face.box, width, height)}
          aria-hidden="true"
          data-testid={`face-box-${face.id}`}
        >
          <span className="face-box__number">{face.number}</span>
        </span>
      ))}
    </>
  );
}
