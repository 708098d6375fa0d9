import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { ErrorSummary } from "../components/ErrorSummary";
import { Loading } from "../components/Loading";
import { needsTwoFactorSetup, useMe, type Me } from "../features/auth/api/session";
import { withNext } from "../features/auth/nextPath";
import { errorMessages } from "../lib/errors";

/** Signed in, with two-factor sign-in passed where the role needs it; else redirect. */
export function RequireSession({ children }: { children: (me: Me) => ReactNode }) {
  const me = useMe();
  const location = useLocation();

  if (me.isPending) return <Loading />;
  if (me.isError) {
    return (
      <main className="page" id="main">
        <ErrorSummary messages={errorMessages(me.error).top} />
        <button type="button" className="button button--primary" onClick={() => void me.refetch()}>
          Try again
        </button>
      </main>
    );
  }
  const next = `${location.pathname}${location.search}`;
  if (!me.data) return <Navigate to={withNext("/signin", next)} replace />;
  if (needsTwoFactorSetup(me.data)) return <Navigate to={withNext("/two-factor/setup", next)} replace />;
  return <>{children(me.data)}</>;
}
