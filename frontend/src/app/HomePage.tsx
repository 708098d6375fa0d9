import { Link } from "react-router";
import { Page } from "../components/Page";
import { roleNames } from "../features/auth/api/session";
import { usePostsNeedingChanges } from "../features/posts/api/posts";
import { postTitle } from "../lib/post";
import { readDeviceCredential } from "../lib/deviceCredential";
import { useSignedInUser } from "./Layout";
import { navFor, roleLabel } from "./roles";

/** Who you are, where, and what you can do: the user's schools and roles. */
export function HomePage() {
  const me = useSignedInUser();
  const roles = roleNames(me);
  const bySchool = new Map<number, { name: string; roles: string[] }>();
  for (const membership of me.memberships) {
    const school = bySchool.get(membership.school_id) ?? { name: membership.school_name, roles: [] };
    school.roles.push(membership.role);
    bySchool.set(membership.school_id, school);
  }
  const deviceReady = readDeviceCredential() !== null;
  const author = ["staff", "leader", "dsl"].some((role) => roles.has(role));

  return (
    <Page title={`Hello, ${me.full_name || me.email}`}>
      <p className="lead">
        Signed in as <strong>{me.email}</strong>.
        {me.two_factor_verified ? " Two-factor sign-in is on." : null}
      </p>

      {roles.has("staff") && !deviceReady ? (
        <div className="notice notice--warn">
          <p>
            <strong>This device is not set up for posting.</strong> Posts can only be submitted
            from an enrolled school tablet. <Link to="/this-tablet">Set up this tablet</Link>
          </p>
        </div>
      ) : null}

      {author ? <ChangesRequested authorId={me.id} /> : null}

      <section aria-labelledby="schools-heading" className="panel">
        <h2 id="schools-heading">Your schools and roles</h2>
        {bySchool.size === 0 ? (
          <p>You have no role at any school yet. Ask your trust administrator to add you.</p>
        ) : (
          <ul className="card-list">
            {[...bySchool.entries()].map(([id, school]) => (
              <li key={id} className="card">
                <div className="card-main">
                  <h3>{school.name}</h3>
                  <ul className="role-list" aria-label={`Your roles at ${school.name}`}>
                    {school.roles.map((role) => (
                      <li key={role} className="badge">
                        {roleLabel(role)}
                      </li>
                    ))}
                  </ul>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      {navFor(roles).length > 0 ? (
        <section aria-labelledby="tasks-heading" className="panel">
          <h2 id="tasks-heading">What you can do</h2>
          <ul className="tile-list">
            {navFor(roles).map((item) => (
              <li key={item.to}>
                <Link className="tile" to={item.to}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Page>
  );
}

/** Item 5 of issue 17: after a leader asks for changes, the author hears it first thing. */
function ChangesRequested({ authorId }: { authorId: number }) {
  const posts = usePostsNeedingChanges(authorId, true);
  const results = posts.data?.results ?? [];
  const list = results.filter((post) => post.status === "changes_requested");
  const count = list.length === results.length ? (posts.data?.count ?? 0) : list.length;
  if (count === 0) return null;
  return (
    <section aria-labelledby="changes-heading" className="panel notice notice--warn">
      <h2 id="changes-heading">
        {count} post{count === 1 ? " needs" : "s need"} your changes
      </h2>
      <ul className="changes-requested">
        {list.map((post) => (
          <li key={post.id}>
            <Link to={`/posts/${post.id}`}>{postTitle(post)}</Link>
            {post.status_reason ? <p className="hint">The leader said: “{post.status_reason}”</p> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
