import { useEffect, useRef, useState } from "react";
import type { EnrolledDevice } from "../api/devices";

type CopyState = "idle" | "copied" | "failed";

/**
 * The new tablet's credential, shown this once: the server keeps only its hash. The person
 * must say they have stored it before the screen lets go of it.
 */
export function EnrolledCredential({ device, onDone }: { device: EnrolledDevice; onDone: () => void }) {
  const [copy, setCopy] = useState<CopyState>("idle");
  const box = useRef<HTMLTextAreaElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => heading.current?.focus(), []);

  async function copyToClipboard() {
    try {
      await navigator.clipboard.writeText(device.credential);
      setCopy("copied");
    } catch {
      // No clipboard access (e.g. plain http): select it so it can be copied by hand.
      box.current?.select();
      setCopy("failed");
    }
  }

  return (
    <section className="credential-panel" aria-labelledby="credential-heading">
      <h3 id="credential-heading" ref={heading} tabIndex={-1}>
        Credential for “{device.name}”
      </h3>
      <p className="warning">
        <strong>This is the only time this credential is shown.</strong> Copy it now and paste it
        into <em>This tablet</em> on that tablet. If it is lost, revoke the device and enrol it
        again. Do not email it or write it anywhere public.
      </p>
      <label htmlFor="device-credential">Device credential</label>
      <textarea
        id="device-credential"
        ref={box}
        className="credential"
        readOnly
        rows={2}
        value={device.credential}
        onFocus={(event) => event.currentTarget.select()}
      />
      <div className="actions">
        <button type="button" className="button button--primary" onClick={copyToClipboard}>
          Copy credential
        </button>
        <button type="button" className="button button--secondary" onClick={onDone}>
          I have stored it — hide it
        </button>
      </div>
      <p role="status" className="status-line">
        {copy === "copied" ? "Copied. Paste it on the tablet now." : null}
        {copy === "failed" ? "Could not copy automatically: the text is selected, copy it by hand." : null}
      </p>
    </section>
  );
}
