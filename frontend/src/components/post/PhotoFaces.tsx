import { useRef, useState, type PointerEvent, type ReactNode } from "react";
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
}

interface Drawing {
  box: Box | null;
  onChange: (box: Box | null) => void;
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

function clamp(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/**
 * A photo with its face boxes drawn over it. Boxes come in pixels of the original and are
 * placed in percent, so they stay on the faces at any display size. With `drawing`, a drag
 * (finger, pen or mouse) draws a new box, reported in pixels of the original.
 */
export function PhotoFaces({
  src,
  alt,
  width,
  height,
  faces,
  drawing,
  caption,
}: {
  src: string;
  alt: string;
  /** Of the original photo, which the boxes are measured in. */
  width: number;
  height: number;
  faces: FaceMark[];
  drawing?: Drawing | undefined;
  caption?: ReactNode;
}) {
  const frame = useRef<HTMLDivElement>(null);
  const [start, setStart] = useState<{ x: number; y: number } | null>(null);

  function point(event: PointerEvent<HTMLDivElement>) {
    const rect = frame.current?.getBoundingClientRect();
    if (!rect || rect.width === 0 || rect.height === 0) return { x: 0, y: 0 };
    return { x: clamp((event.clientX - rect.left) / rect.width), y: clamp((event.clientY - rect.top) / rect.height) };
  }

  function boxFrom(a: { x: number; y: number }, b: { x: number; y: number }): Box {
    return [
      Math.round(Math.min(a.y, b.y) * height),
      Math.round(Math.max(a.x, b.x) * width),
      Math.round(Math.max(a.y, b.y) * height),
      Math.round(Math.min(a.x, b.x) * width),
    ];
  }

  const handlers = drawing
    ? {
        onPointerDown: (event: PointerEvent<HTMLDivElement>) => {
          event.currentTarget.setPointerCapture?.(event.pointerId);
          const p = point(event);
          setStart(p);
          drawing.onChange(boxFrom(p, p));
        },
        onPointerMove: (event: PointerEvent<HTMLDivElement>) => {
          if (start) drawing.onChange(boxFrom(start, point(event)));
        },
        onPointerUp: (event: PointerEvent<HTMLDivElement>) => {
          if (start) drawing.onChange(boxFrom(start, point(event)));
          setStart(null);
        },
        onPointerCancel: () => setStart(null),
      }
    : {};

  return (
    <figure className="photo">
      <div className={`photo__frame${drawing ? " photo__frame--drawing" : ""}`} ref={frame} style={{ aspectRatio: `${width} / ${height}`, maxWidth: `min(100%, calc(70vh * ${(width / height).toFixed(4)}))` }}>
        <img src={src} alt={alt} width={width} height={height} draggable={false} />
        {faces.map((face) => (
          <span
            key={face.id}
            className={`face-box face-box--${face.tone}${face.current ? " face-box--current" : ""}`}
            style={boxStyle(face.box, width, height)}
            aria-hidden="true"
            data-testid={`face-box-${face.id}`}
          >
            <span className="face-box__number">{face.number}</span>
          </span>
        ))}
        {drawing ? <div className="photo__draw-layer" {...handlers} aria-hidden="true" data-testid="draw-layer" /> : null}
        {drawing?.box ? (
          <span className="face-box face-box--new" style={boxStyle(drawing.box, width, height)} aria-hidden="true">
            <span className="face-box__number">+</span>
          </span>
        ) : null}
      </div>
      {caption ? <figcaption>{caption}</figcaption> : null}
    </figure>
  );
}
