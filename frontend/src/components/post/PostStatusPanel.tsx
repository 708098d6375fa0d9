import { statusMeta } from "../../lib/post";
import { StatusBadge } from "../StatusBadge";

/**
 * The server's reason, as it says it ("1 thing to fix: an unidentified face."). Posts checked
 * before the server said it in words keep the old code-like summary ("2 finding(s): R1, R2")
 * in the database: that one is put into words here.
 */
export function plainReason(reason: string | undefined): string {
  const match = /^(\d+) finding\(s\):/.exec(reason ?? "");
  if (!match) return (reason ?? "").trim();
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
