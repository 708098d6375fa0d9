import { Link } from "react-router";
import { Icon } from "../../../components/Icon";
import { formatDateTime } from "../../../lib/format";
import { usePublishing } from "../api/queue";
import type { SchoolRef } from "./types";

/** On every screen while a school's publishing is paused: nobody should wonder why. */
export function PublishingBanner({ schools, canControl }: { schools: SchoolRef[]; canControl: boolean }) {
  return (
    <>
      {schools.map((school) => (
        <SchoolBanner key={school.id} school={school} canControl={canControl} />
      ))}
    </>
  );
}

function SchoolBanner({ school, canControl }: { school: SchoolRef; canControl: boolean }) {
  const publishing = usePublishing(school.id);
  if (!publishing.data?.paused_at) return null;
  return (
    <div className="pause-banner" role="region" aria-label={`Publishing paused at ${school.name}`}>
      <Icon name="pause" className="icon icon--large" />
      <p>
        <strong>Publishing is paused at {school.name}</strong> (since {formatDateTime(publishing.data.paused_at)}).{" "}
        {publishing.data.pause_reason ? <>Reason: {publishing.data.pause_reason}. </> : null}
        Nothing is published until it is resumed; approved posts wait.{" "}
        {canControl ? <Link to="/publishing">Resume publishing</Link> : null}
      </p>
    </div>
  );
}
