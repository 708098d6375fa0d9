import { useQuery } from "@tanstack/react-query";
import { Icon } from "../components/Icon";
import { api, unwrap } from "../lib/api";
import { formatDateTime, formatTime } from "../lib/format";

/** How often the layout asks whether background work (publishing, checks, emails) runs. */
export const BACKGROUND_STATUS_POLL_MS = 30_000;

/** "11:32" today, "3 Dec 2026, 11:32" on another day. */
function since(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return "";
  return date.toDateString() === new Date().toDateString() ? formatTime(value) : formatDateTime(value);
}

/**
 * For leaders and trust administrators, on every screen, while background work has stopped
 * (issue 13): nothing else on screen would say why approved posts do not go out.
 */
export function BackgroundWorkBanner() {
  const status = useQuery({
    queryKey: ["operations", "status"],
    queryFn: () => unwrap(api.GET("/api/operations/status")),
    refetchInterval: BACKGROUND_STATUS_POLL_MS,
    retry: false,
  });
  if (!status.data || status.data.ok) return null;
  const when = status.data.stopped_since ? since(status.data.stopped_since) : "";
  return (
    <div className="pause-banner" role="alert" aria-label="Background work has stopped">
      <Icon name="alert" className="icon icon--large" />
      <p>
        <strong>Background work has stopped{when ? ` since ${when}` : ""}:</strong> posts will not publish and emails will
        not be sent. Tell your IT contact.
      </p>
    </div>
  );
}
