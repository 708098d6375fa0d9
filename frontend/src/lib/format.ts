/**
 * One way to write dates for people, everywhere (en-GB): "5 Sep 2026" and "5 Sep 2026, 15:30".
 * Months are spelt out here rather than left to Intl so that every browser (and the server's
 * consent reasons, consent/derivation.py) writes "Sep", not "Sept" in some and "Sep" in others.
 */
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A date ("2026-09-05", a calendar day, read as local) or a moment (ISO 8601) as a Date. */
function parse(value: string): Date | null {
  const day = DATE_ONLY.exec(value);
  // new Date("2026-09-05") is midnight UTC: west of Greenwich that is still the 4th.
  const date = day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function dayText(date: Date): string {
  return `${date.getDate()} ${MONTHS[date.getMonth()]} ${date.getFullYear()}`;
}

function timeText(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** "3 Nov 2026, 10:32", or the fallback when there is no date. */
export function formatDateTime(value: string | null | undefined, fallback = "—"): string {
  const date = value ? parse(value) : null;
  return date ? `${dayText(date)}, ${timeText(date)}` : fallback;
}

/** "5 Sep 2026" for a calendar day ("2026-09-05") or a moment, or the fallback. */
export function formatDate(value: string | null | undefined, fallback = "—"): string {
  const date = value ? parse(value) : null;
  return date ? dayText(date) : fallback;
}

/** "15:30", or the fallback when there is no time. */
export function formatTime(value: string | null | undefined, fallback = "—"): string {
  const date = value ? parse(value) : null;
  return date ? timeText(date) : fallback;
}
