import { useState } from "react";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Flash } from "../../../components/Flash";
import { Loading } from "../../../components/Loading";
import { Page } from "../../../components/Page";
import { errorMessages } from "../../../lib/errors";
import { useMemberships, useSetHeadTeacher, useUnlockSignIn, type Membership } from "../api/roles";

export interface SchoolRef {
  id: number;
  name: string;
}

const ROLE_WORDS: Record<string, string> = {
  staff: "Staff",
  leader: "Leadership team",
  dsl: "Designated safeguarding lead",
  consent_admin: "Consent administrator",
  trust_admin: "Trust administrator",
};

/**
 * Trust administrators' roles screen: each school's people and roles, and which member of the
 * leadership team is the head teacher. `schools` are where the user is a trust administrator.
 */
export function RolesPage({ schools }: { schools: SchoolRef[] }) {
  return (
    <Page title="Roles">
      <p>
        The head teacher and the designated safeguarding lead are the only people who see comments escalated to safeguarding
        (threats, hate, allegations). Other members of the leadership team do not.
      </p>
      {schools.length === 0 ? <p>Only a trust administrator can change roles.</p> : null}
      {schools.map((school) => (
        <SchoolRoles key={school.id} school={school} />
      ))}
    </Page>
  );
}

function personName(membership: Membership): string {
  return membership.full_name || membership.email;
}

function SchoolRoles({ school }: { school: SchoolRef }) {
  const memberships = useMemberships(school.id);
  const setHead = useSetHeadTeacher(school.id);
  const unlock = useUnlockSignIn(school.id);
  const [flash, setFlash] = useState<{ message: string; stamp: number } | null>(null);
  const headingId = `roles-${school.id}`;

  function change(membership: Membership, isHeadTeacher: boolean) {
    setHead.mutate(
      { membershipId: membership.id, isHeadTeacher },
      {
        onSuccess: () =>
          setFlash({
            message: isHeadTeacher
              ? `${personName(membership)} is now the head teacher at ${school.name}.`
              : `${personName(membership)} is no longer marked as the head teacher.`,
            stamp: Date.now(),
          }),
      },
    );
  }

  function unlockSignIn(membership: Membership) {
    unlock.mutate(
      { membershipId: membership.id },
      {
        onSuccess: ({ cleared }) =>
          setFlash({
            message:
              cleared > 0
                ? `${personName(membership)} can sign in again.`
                : `${personName(membership)} was not locked out.`,
            stamp: Date.now(),
          }),
      },
    );
  }

  const rows = memberships.data ?? [];
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{school.name}</h2>
      <Flash message={flash?.message ?? null} stamp={flash?.stamp} />
      <ErrorSummary messages={errorMessages(setHead.error, []).top} title="Could not change the head teacher" />
      <ErrorSummary messages={errorMessages(unlock.error, []).top} title="Could not lift the sign-in lock-out" />
      {memberships.isPending ? <Loading /> : null}
      {memberships.isError ? <ErrorSummary messages={errorMessages(memberships.error).top} /> : null}
      {rows.length > 0 ? (
        <table>
          <caption className="visually-hidden">People and roles at {school.name}</caption>
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Role</th>
              <th scope="col">Head teacher</th>
              <th scope="col">Sign-in</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((membership) => (
              <tr key={membership.id}>
                <td>{personName(membership)}</td>
                <td>{ROLE_WORDS[membership.role] ?? membership.role}</td>
                <td>
                  {membership.is_head_teacher ? <strong>Head teacher</strong> : null}
                  {membership.role === "leader" ? (
                    <button
                      type="button"
                      className="button"
                      disabled={setHead.isPending}
                      onClick={() => change(membership, !membership.is_head_teacher)}
                    >
                      {membership.is_head_teacher ? `Remove ${personName(membership)} as head teacher` : `Make ${personName(membership)} the head teacher`}
                    </button>
                  ) : null}
                </td>
                <td>
                  <button
                    type="button"
                    className="button"
                    disabled={unlock.isPending}
                    onClick={() => unlockSignIn(membership)}
                  >
                    {`Unlock sign-in for ${personName(membership)}`}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
