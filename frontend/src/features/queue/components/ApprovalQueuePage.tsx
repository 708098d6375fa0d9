import { ComingSoon } from "../../../components/ComingSoon";

export function ApprovalQueuePage() {
  return (
    <ComingSoon
      title="Approval queue"
      what="Here the leadership team will approve or reject posts that have passed the safeguarding checks."
    />
  );
}
