import { ComingSoon } from "../../../components/ComingSoon";

export function EscalationsPage() {
  return (
    <ComingSoon
      title="Escalations"
      what="Here the designated safeguarding lead will see comments escalated for threats, hate or allegations, with the evidence captured."
    />
  );
}
