import type { IconName } from "../lib/post";

// Drawn here (no icon font, no network): 24x24 strokes.
const PATHS: Record<IconName, string> = {
  check: "M4 12.5l5 5L20 6.5",
  cross: "M6 6l12 12M18 6L6 18",
  alert: "M12 4l9 16H3L12 4zm0 6v4m0 3v.5",
  clock: "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18zm0 4v5l3.5 2",
  pencil: "M4 20l1-5L16 4l4 4L9 19l-5 1zM14 6l4 4",
  pause: "M8 5v14M16 5v14",
  send: "M3 11l18-8-7 18-3-7-8-3zm8 3l4-4",
  info: "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18zm0 7v7m0-10v.5",
};

/** A decorative icon beside words that say the same thing (never the only signal). */
export function Icon({ name, className = "icon" }: { name: IconName; className?: string }) {
  return (
    <svg className={className} viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
