import { useRef, useState, type PointerEvent, type ReactNode } from "react";
import type { Box } from "../../lib/post";
import { boxStyle, FaceBoxes, type FaceMark } from "./FaceBoxes";
import { PhotoViewer } from "./PhotoViewer";

export { boxStyle, type FaceMark };

/** Tap to see the photo full screen: the larger copy to load, and the viewer's title. */
interface Enlarge {
  src: string;
  title: string;
}

interface Drawing {
  box: Box | null;
  onChange: (box: Box | null) => void;
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
  enlarge,
}: {
  src: string;
  alt: string;
  /** Of the original photo, which the boxes are measured in. */
  width: number;
  height: number;
  faces: FaceMark[];
  drawing?: Drawing | undefined;
  caption?: ReactNode;
  enlarge?: Enlarge | undefined;
}) {
  const frame = useRef<HTMLDivElement>(null);
  const [viewing, setViewing] = useState(false);
  const zoomable = enlarge && !drawing;
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
      <div className={`photo__frame${drawing ? " photo__frame--drawing" : ""}${zoomable ? " photo__frame--zoomable" : ""}`} ref={frame} style={{ aspectRatio: `${width} / ${height}`, maxWidth: `min(100%, calc(70vh * ${(width / height).toFixed(4)}))` }}>
        <img src={src} alt={alt} width={width} height={height} draggable={false} onClick={zoomable ? () => setViewing(true) : undefined} />
        <FaceBoxes faces={faces} width={width} height={height} />
        {zoomable ? (
          <button type="button" className="photo__enlarge" aria-label={`Enlarge ${enlarge.title.toLowerCase()}`} onClick={() => setViewing(true)}>
            Enlarge
          </button>
        ) : null}
        {drawing ? <div className="photo__draw-layer" {...handlers} aria-hidden="true" data-testid="draw-layer" /> : null}
        {drawing?.box ? (
          <span className="face-box face-box--new" style={boxStyle(drawing.box, width, height)} aria-hidden="true">
            <span className="face-box__number">+</span>
          </span>
        ) : null}
      </div>
      {caption ? <figcaption>{caption}</figcaption> : null}
      {zoomable && viewing ? (
        <PhotoViewer src={enlarge.src} alt={alt} width={width} height={height} faces={faces} title={enlarge.title} onClose={() => setViewing(false)} />
      ) : null}
    </figure>
  );
}
