/**
 * The enrolled-tablet credential (R7), pasted once on the "This tablet" screen and kept in
 * this browser's localStorage. It belongs to the device, not to whoever is signed in, so
 * signing out leaves it in place.
 */
const KEY = "school-post-queue.device-credential";
export const CREDENTIAL_PREFIX = "dev_";

export function readDeviceCredential(): string | null {
  try {
    return window.localStorage.getItem(KEY);
  } catch {
    return null; // storage blocked (private mode): behave as "not set up"
  }
}

export function storeDeviceCredential(credential: string): void {
  window.localStorage.setItem(KEY, credential.trim());
}

export function forgetDeviceCredential(): void {
  window.localStorage.removeItem(KEY);
}

/** The shape the server issues: `dev_<prefix>.<secret>`. Catches pasting the wrong thing. */
export function looksLikeDeviceCredential(value: string): boolean {
  return /^dev_[0-9a-f]{12}\.[A-Za-z0-9_-]{20,}$/.test(value.trim());
}

/** The public part, safe to show on screen ("dev_1a2b3c4d5e6f…"). */
export function credentialLabel(credential: string): string {
  return `${credential.split(".", 1)[0]}…`;
}
