import { Icon } from "../../../components/Icon";
import type { Decision } from "../api/consent";

/** Yes / No / Do not publish, in words with an icon, and why. */
export function DecisionCell({ decision, showReason = true }: { decision: Decision | undefined; showReason?: boolean }) {
  if (!decision) return <span className="hint">Unknown</span>;
  const tone = decision.do_not_publish ? "danger" : decision.allowed ? "ok" : "danger";
  const text = decision.do_not_publish ? "Do not publish" : decision.allowed ? "Yes" : "No";
  return (
    <span className="decision-cell">
      <span className={`status status--${tone}`}>
        <Icon name={decision.allowed && !decision.do_not_publish ? "check" : "cross"} />
        {text}
      </span>
      {showReason && !decision.do_not_publish ? <span className="hint decision-cell__reason">{decision.reason}</span> : null}
      {decision.sensitive_reason ? <span className="decision-cell__sensitive">Why (leaders and DSL only): {decision.sensitive_reason}</span> : null}
    </span>
  );
}

export function DoNotPublishBanner({ name }: { name: string }) {
  return (
    <div className="do-not-publish" role="note">
      <Icon name="cross" className="icon icon--large" />
      <p>
        <strong>Do not publish.</strong> Never use {name}&apos;s photo or name in any school post, whatever the consent says. If you need to
        know why, ask the designated safeguarding lead.
      </p>
    </div>
  );
}
