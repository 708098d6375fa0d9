import type { ReactNode } from "react";
import { findingPlace, findingTitle, type Finding, type PostImage } from "../../lib/post";
import { Icon } from "../Icon";

const GROUPS: Array<{ severity: string; title: string; icon: "cross" | "alert" | "info" }> = [
  { severity: "block", title: "Must be fixed", icon: "cross" },
  { severity: "tag", title: "Needs tagging", icon: "alert" },
  { severity: "confirm", title: "For the approver to confirm", icon: "info" },
];

/**
 * What the checks found, grouped by how serious, in plain English, with where it is. Rule
 * codes ("R1") mean nothing to the staff who fix a post: only leaders and auditors, who
 * look rules up, get them, folded away under "Details".
 */
export function FindingList({
  post,
  findings,
  actions,
  headingLevel = 3,
  showRuleCodes = false,
}: {
  post: { images: PostImage[] };
  findings: Finding[];
  actions?: (finding: Finding, index: number) => ReactNode;
  headingLevel?: 2 | 3;
  showRuleCodes?: boolean;
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  if (findings.length === 0) {
    return (
      <p className="notice notice--ok">
        <Icon name="check" /> The checks found nothing to fix.
      </p>
    );
  }
  const known = new Set(GROUPS.map((group) => group.severity));
  const groups = [
    ...GROUPS,
    ...(findings.some((f) => !known.has(f.severity)) ? [{ severity: "other", title: "Other findings", icon: "info" as const }] : []),
  ];
  return (
    <div className="findings">
      {groups.map((group) => {
        const items = findings
          .map((finding, index) => ({ finding, index }))
          .filter(({ finding }) => (group.severity === "other" ? !known.has(finding.severity) : finding.severity === group.severity));
        if (items.length === 0) return null;
        return (
          <section key={group.severity} className={`finding-group finding-group--${group.severity}`} aria-label={group.title}>
            <Heading className="finding-group__title">
              <Icon name={group.icon} /> {group.title} ({items.length})
            </Heading>
            <ul className="finding-list">
              {items.map(({ finding, index }) => (
                <li key={index} className={`finding finding--${finding.severity}`} id={`finding-${index}`}>
                  <p className="finding__place">
                    {findingPlace(post, finding)}
                    <span className="finding__rule">
                      {" · "}
                      {findingTitle(finding)}
                    </span>
                  </p>
                  <p className="finding__message">{finding.message}</p>
                  {showRuleCodes ? (
                    <details className="finding__details">
                      <summary>Details</summary>
                      <p className="hint">Safeguarding rule {finding.rule}</p>
                    </details>
                  ) : null}
                  {finding.faceShare !== null ? (
                    <p className="hint finding__measure">Face share of the photo: {formatShare(finding.faceShare)}</p>
                  ) : null}
                  {actions ? actions(finding, index) : null}
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}

/** 0.153 -> "15%": whole percents, as the message words it. */
function formatShare(share: number): string {
  return `${Math.round(share * 100)}%`;
}
