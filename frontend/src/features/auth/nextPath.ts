/** Where to go after signing in (or setting up two-factor sign-in): the page the user wanted. */

/** Only paths inside this app, never another site ("//evil.example"). */
export function safeNext(value: string | null): string {
  return value && value.startsWith("/") && !value.startsWith("//") ? value : "/";
}

/** `path`, carrying the wanted page along as `?next=` unless that is the home page. */
export function withNext(path: string, next: string): string {
  return next === "/" ? path : `${path}?next=${encodeURIComponent(next)}`;
}
