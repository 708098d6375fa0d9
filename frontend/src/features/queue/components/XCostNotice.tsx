import { useId } from "react";
import { Icon } from "../../../components/Icon";
import { useXCostEstimate } from "../api/xCost";

/** The code the server asks the approving leader to accept (moderation.approval_gates). */
export const X_OVER_BUDGET = "x_over_budget";

/**
 * The estimated X cost of this post, a link flagged (it costs more), and the budget warning:
 * over the budget, the leader ticks that they accept the cost before the approval counts.
 */
export function XCostNotice({
  postId,
  onX,
  accepted = false,
  onAccept,
  errors = [],
}: {
  postId: number;
  onX: boolean;
  accepted?: boolean;
  onAccept?: (accepted: boolean) => void;
  errors?: readonly string[];
}) {
  const id = useId();
  const estimate = useXCostEstimate(postId, onX);
  if (!onX || !estimate.data) return null;
  const { cost_usd: cost, has_link: hasLink, over_budget: over, notice } = estimate.data;
  return (
    <div className={`notice${over || hasLink ? " notice--warn" : ""}`} role="note" aria-label="X cost">
      <p>
        {over || hasLink ? <Icon name="alert" /> : null} Posting on X costs about <strong>${Number(cost).toFixed(3)}</strong>
        {hasLink ? " because the post contains a link (a post without one costs much less)." : "."}
      </p>
      {over ? <p>{notice}</p> : null}
      {over && onAccept ? (
        <div className={`field${errors.length ? " field--error" : ""}`}>
          {errors.length ? (
            <p className="field-error" id={`${id}-error`}>
              {errors.join(" ")}
            </p>
          ) : null}
          <label className="checkbox checkbox--important">
            <input
              type="checkbox"
              checked={accepted}
              aria-invalid={errors.length ? true : undefined}
              aria-describedby={errors.length ? `${id}-error` : undefined}
              onChange={(event) => onAccept(event.target.checked)}
            />
            <span>I accept this cost beyond the school&apos;s X budget</span>
          </label>
        </div>
      ) : null}
    </div>
  );
}
