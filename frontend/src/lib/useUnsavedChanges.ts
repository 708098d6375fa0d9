import { useCallback, useEffect } from "react";
import { useBlocker, type Blocker, type BlockerFunction } from "react-router";

/**
 * While `dirty`, leaving the page asks first, so unsaved text is never thrown away without asking
 * (item 1 of issue 17). Closing or reloading the tab gets the browser's own question
 * (`beforeunload`); a link, the nav bar or Back inside the app is held: the returned blocker is
 * "blocked" until the user answers (`proceed()` leaves, `reset()` stays). Moving within the same
 * page (its query or hash) is not held. Needs a data router (see app/routes.tsx).
 */
export function useUnsavedChanges(dirty: boolean): Blocker {
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);
  const leavesPage = useCallback<BlockerFunction>(
    ({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname,
    [dirty],
  );
  return useBlocker(leavesPage);
}
