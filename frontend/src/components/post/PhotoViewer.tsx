import { useEffect, useLayoutEffect, useRef, useState, type PointerEvent } from "react";
import { modalKeys } from "../modalKeys";
import { FaceBoxes, type FaceMark } from "./FaceBoxes";

const MIN_ZOOM = 1;
const MAX_ZOOM = 6;
const STEP = 1.5;

function clampZoom(value: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, value));
}

type Point = { x: number; y: number };

function distance(points: Point[]): number {
  const [a, b] = points;
  return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
}

/**
 * The photo under review, full screen (item 8 of issue 17): pinch with two fingers or use
 * the buttons to zoom, drag to move about, Escape or Close to go back. The face boxes scale
 * with the photo and their numbers sit outside the faces; below, who each face is and who
 * tagged it. The photo is the large variant, so zooming shows detail the page's copy lacks.
 */
export function PhotoViewer({
  src,
  alt,
  width,
  height,
  faces,
  title,
  onClose,
}: {
  src: string;
  alt: string;
  width: number;
  height: number;
  faces: FaceMark[];
  title: string;
  onClose: () => void;
}) {
  const [zoom, setZoom] = useState(1);
  const dialog = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const pointers = useRef(new Map<number, Point>());
  const pinch = useRef<{ distance: number; zoom: number } | null>(null);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeButton.current?.focus();
    document.body.classList.add("viewer-open");
    return () => {
      document.body.classList.remove("viewer-open");
      opener?.focus();
    };
  }, []);

  // Zoom about the middle of what is on screen, not the top left corner.
  const shownZoom = useRef(zoom);
  useLayoutEffect(() => {
    const box = scroller.current;
    const before = shownZoom.current;
    shownZoom.current = zoom;
    if (!box || before === zoom) return;
    const scale = zoom / before;
    box.scrollLeft = (box.scrollLeft + box.clientWidth / 2) * scale - box.clientWidth / 2;
    box.scrollTop = (box.scrollTop + box.clientHeight / 2) * scale - box.clientHeight / 2;
  }, [zoom]);

  const onKeyDown = modalKeys(dialog, onClose);

  const handlers = {
    onPointerDown: (event: PointerEvent<HTMLDivElement>) => {
      event.currentTarget.setPointerCapture?.(event.pointerId);
      pointers.current.set(event.pointerId, { x: event.clientX, y: event.clientY });
      if (pointers.current.size === 2) pinch.current = { distance: distance([...pointers.current.values()]), zoom };
    },
    onPointerMove: (event: PointerEvent<HTMLDivElement>) => {
      const before = pointers.current.get(event.pointerId);
      if (!before) return;
      const now = { x: event.clientX, y: event.clientY };
      pointers.current.set(event.pointerId, now);
      const start = pinch.current;
      if (pointers.current.size === 2 && start && start.distance > 0) {
        setZoom(clampZoom((start.zoom * distance([...pointers.current.values()])) / start.distance));
      } else if (pointers.current.size === 1) {
        scroller.current?.scrollBy(before.x - now.x, before.y - now.y);
      }
    },
    onPointerUp: (event: PointerEvent<HTMLDivElement>) => {
      pointers.current.delete(event.pointerId);
      if (pointers.current.size < 2) pinch.current = null;
    },
    onPointerCancel: (event: PointerEvent<HTMLDivElement>) => {
      pointers.current.delete(event.pointerId);
      pinch.current = null;
    },
  };

  const ratio = (width / height).toFixed(4);
  const legend = faces.filter((face) => face.note);
  return (
    <div className="viewer" role="dialog" aria-modal="true" aria-label={title} ref={dialog} onKeyDown={onKeyDown}>
      <div className="viewer__bar">
        <p className="viewer__title">{title}</p>
        <button type="button" className="button button--secondary" onClick={() => setZoom((z) => clampZoom(z * STEP))} disabled={zoom >= MAX_ZOOM}>
          Zoom in
        </button>
        <button type="button" className="button button--secondary" onClick={() => setZoom((z) => clampZoom(z / STEP))} disabled={zoom <= MIN_ZOOM}>
          Zoom out
        </button>
        <span className="viewer__zoom" aria-live="polite">
          {Math.round(zoom * 100)}%
        </span>
        <button type="button" className="button button--primary" ref={closeButton} onClick={onClose}>
          Close
        </button>
      </div>
      <div className="viewer__scroller" ref={scroller}>
        <div
          className="photo__frame viewer__frame"
          data-testid="viewer-frame"
          data-zoom={zoom.toFixed(2)}
          style={{ aspectRatio: `${width} / ${height}`, width: `calc(${zoom} * min(100%, ${ratio} * (100dvh - 9rem)))` }}
          {...handlers}
        >
          <img src={src} alt={alt} width={width} height={height} draggable={false} />
          <FaceBoxes faces={faces} width={width} height={height} />
        </div>
      </div>
      {legend.length > 0 ? (
        <ol className="viewer__legend" aria-label="Faces in this photo">
          {legend.map((face) => (
            <li key={face.id}>
              <strong>Face {face.number}:</strong> {face.note}
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}
