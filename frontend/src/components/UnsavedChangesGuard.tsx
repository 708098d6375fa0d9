import { useEffect, useId, useRef } from "react";
import { useUnsavedChanges } from "../lib/useUnsavedChanges";
import { modalKeys } from "./modalKeys";

/**
 * Put on a page whose form may hold unsaved text: while `dirty`, leaving asks first. Inside the
 * app the question is a modal dialog whose safe answer (stay) has the focus and answers Escape;
 * closing the tab gets the browser's own question.
 */
export function UnsavedChangesGuard({ dirty }: { dirty: boolean }) {
  const blocker = useUnsavedChanges(dirty);
  if (blocker.state !== "blocked") return null;
  return <LeaveDialog onStay={() => blocker.reset()} onLeave={() => blocker.proceed()} />;
}

function LeaveDialog({ onStay, onLeave }: { onStay: () => void; onLeave: () => void }) {
  const titleId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const stayButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    // Staying puts the focus back where it was (the link that was followed, say).
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    stayButton.current?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const onKeyDown = modalKeys(dialog, onStay);

  return (
    <div className="leave-backdrop">
      <div ref={dialog} className="leave-dialog" role="alertdialog" aria-modal="true" aria-labelledby={titleId} onKeyDown={onKeyDown}>
        <p id={titleId} className="leave-dialog__question">
          You have changes you haven't saved. Leave and lose them?
        </p>
        <div className="actions">
          <button ref={stayButton} type="button" className="button button--primary" onClick={onStay}>
            Stay and keep editing
          </button>
          <button type="button" className="button button--danger" onClick={onLeave}>
            Leave and lose them
          </button>
        </div>
      </div>
    </div>
  );
}
