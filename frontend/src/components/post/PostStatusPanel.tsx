import { statusMeta } from "../../lib/post";
import { StatusBadge } from "../StatusBadge";

/** The checks' summary is "2 finding(s): R1, R2": say it in words (the findings are listed below). */
export function plainReason(reason: string | undefined): string {
  const match = /^(\d+) finding\(s\):/.exec(reason ?? "");
  if (!match) return reason ?? "";
  const n = Number(match[1]);
  return `${n} thing${n === 1 ? "" : "s"} to fix: see “What the checks found”.`;
}

/** The post's status as a badge, the server's reason, and what it means. */
export function PostStatusPanel({ status, reason, audience = "author" }: { status: string | undefined; reason: string | undefined; audience?: "author" | "leader" }) {
  const meta = statusMeta(status);
  const checking = status === "submitted" || status === "checking";
  const said = plainReason(reason);
  return (
    <div className={`status-panel status-panel--${meta.tone}`} role="status" aria-live="polite">
      <p className="status-panel__line">
        <StatusBadge label={meta.label} tone={meta.tone} icon={meta.icon} prefix="Status:" />
        {said && said !== meta.label ? <span className="status-panel__reason">{said}</span> : null}
      </p>
      {audience === "author" && meta.explain ? <p className="status-panel__explain">{meta.explain}</p> : null}
      {checking ? <p className="status-panel__explain">Checking… this can take a minute for large photos.</p> : null}
    </div>
  );
}
