import type { ReactNode } from "react";
import { Page } from "../components/Page";
import { roleNames } from "../features/auth/api/session";
import { useSignedInUser } from "./Layout";
import { roleLabel } from "./roles";

/** A screen for some roles only; anyone else is told plainly whose screen it is. */
export function RequireRole({ roles, title, children }: { roles: string[]; title: string; children: ReactNode }) {
  const held = roleNames(useSignedInUser());
  if (roles.some((role) => held.has(role))) return <>{children}</>;
  return (
    <Page title={title}>
      <p>This screen is for: {roles.map(roleLabel).join(", ")}. Your roles do not include it.</p>
    </Page>
  );
}
