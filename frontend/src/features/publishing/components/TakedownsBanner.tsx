import { Link, useLocation } from "react-router";
import { Icon } from "../../../components/Icon";
import { useTakedowns } from "../api/publishing";

/** On every screen for leaders while a takedown waits for their confirmation (R10). */
export function TakedownsBanner() {
  const takedowns = useTakedowns({ state: "awaiting_confirmation" });
  const { pathname } = useLocation();
  const count = takedowns.data?.length ?? 0;
  if (count === 0 || pathname.startsWith("/takedowns")) return null;
  return (
    <div className="pause-banner" role="region" aria-label="Posts that must come down">
      <Icon name="alert" className="icon icon--large" />
      <p>
        <strong>
          {count === 1 ? "A published post must come down" : `${count} published posts must come down`}
        </strong>{" "}
        (for example, consent was withdrawn). A leader must confirm each takedown. <Link to="/takedowns">Review takedowns</Link>
      </p>
    </div>
  );
}
