import { spanToUtf16 } from "../../lib/post";

/** Text with the spans the checks objected to marked (spans in code points, as sent). */
export function HighlightedText({ text, spans, className = "post-text" }: { text: string; spans: Array<[number, number]>; className?: string }) {
  const ranges = spans
    .map((span) => spanToUtf16(text, span))
    .filter(([start, end]) => end > start && start >= 0 && end <= text.length)
    .sort((a, b) => a[0] - b[0]);
  const parts: Array<{ text: string; marked: boolean }> = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (end <= at) continue;
    const from = Math.max(start, at);
    if (from > at) parts.push({ text: text.slice(at, from), marked: false });
    parts.push({ text: text.slice(from, end), marked: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), marked: false });
  return (
    <p className={className}>
      {parts.map((part, index) =>
        part.marked ? (
          <mark key={index}>
            <span className="visually-hidden">[flagged: </span>
            {part.text}
            <span className="visually-hidden">]</span>
          </mark>
        ) : (
          <span key={index}>{part.text}</span>
        ),
      )}
    </p>
  );
}
