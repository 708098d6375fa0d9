import { statusMeta } from "../../lib/post";
import { StatusBadge } from "../StatusBadge";

/** The post's status as a badge, the server's reason, and what it means. */
export function PostStatusPanel({ status, reason, audience = "author" }: { status: string | undefined; reason: string | undefined; audience?: "author" | "leader" }) {
  const meta = statusMeta(status);
  const checking = status === "submitted" || status === "checking";
  return (
    <div className={`status-panel status-panel--${meta.tone}`} role="status" aria-live="polite">
      <p className="status-panel__line">
        <StatusBadge label={meta.label} tone={meta.tone} icon={meta.icon} prefix="Status:" />
        {reason && reason !== meta.label ? <span className="status-panel__reason">{reason}</span> : null}
      </p>
      {audience === "author" && meta.explain ? <p className="status-panel__explain">{meta.explain}</p> : null}
      {checking ? <p className="status-panel__explain">Checking… this can take a minute for large photos.</p> : null}
    </div>
  );
}
