import type { KeyboardEvent, RefObject } from "react";

/**
 * The keys of a modal dialog (put on its `onKeyDown`): Escape closes it, and Tab and
 * Shift+Tab go round its buttons without leaving it while it covers the page.
 */
export function modalKeys(dialog: RefObject<HTMLElement | null>, onClose: () => void) {
  return (event: KeyboardEvent<HTMLElement>) => {
    if (event.key === "Escape") {
      event.stopPropagation();
      onClose();
    } else if (event.key === "Tab") {
      const controls = Array.from(dialog.current?.querySelectorAll<HTMLElement>("button:not([disabled])") ?? []);
      const first = controls[0];
      const last = controls.at(-1);
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last?.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first?.focus();
      }
    }
  };
}
