import { statusMeta, type Finding } from "../../lib/post";
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

/**
 * The server's "N things to fix" counted again from the findings listed on the page (all but
 * those for the approver to confirm), so the number and the list always agree (issue 17, item 2).
 */
export function countedReason(reason: string, findings: readonly Finding[] | undefined): string {
  if (!findings || !/^\d+ things? to fix\b/.test(reason)) return reason;
  const n = findings.filter((f) => f.severity !== "confirm").length;
  return reason.replace(/^\d+ things? to fix/, `${n} thing${n === 1 ? "" : "s"} to fix`);
}

/** The post's status as a badge, the server's reason, and what it means. */
export function PostStatusPanel({
  status,
  reason,
  audience = "author",
  findings,
}: {
  status: string | undefined;
  reason: string | undefined;
  audience?: "author" | "leader";
  /** The findings the page lists: the reason's count is taken from them. */
  findings?: readonly Finding[] | undefined;
}) {
  const meta = statusMeta(status);
  const checking = status === "submitted" || status === "checking";
  const said = countedReason(plainReason(reason), findings);
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
