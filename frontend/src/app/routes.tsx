import type { ReactNode } from "react";
import { Link, Route, Routes } from "react-router";
import { Page } from "../components/Page";
import { SignInPage } from "../features/auth/components/SignInPage";
import { TwoFactorSetupPage } from "../features/auth/components/TwoFactorSetupPage";
import { EscalationsPage } from "../features/comments/components/EscalationsPage";
import { ConsentLookupPage, ConsentSchoolsPage } from "../features/consent/components/ConsentLookupPage";
import { ImportDetailPage, ImportPage } from "../features/consent/components/ImportPage";
import type { ConsentSchool } from "../features/consent/components/labels";
import { PersonPage } from "../features/consent/components/PersonPage";
import { DevicesPage } from "../features/devices/components/DevicesPage";
import { ThisTabletPage } from "../features/devices/components/ThisTabletPage";
import { MyPostsPage } from "../features/posts/components/MyPostsPage";
import { NewPostPage } from "../features/posts/components/NewPostPage";
import { PostPage } from "../features/posts/components/PostPage";
import { ApprovalQueuePage } from "../features/queue/components/ApprovalQueuePage";
import { PublishingPage } from "../features/queue/components/PublishingPage";
import { ReviewPage } from "../features/queue/components/ReviewPage";
import { HomePage } from "./HomePage";
import type { Me } from "../features/auth/api/session";
import { Layout, useSignedInUser } from "./Layout";
import { RequireRole } from "./RequireRole";
import { RequireSession } from "./RequireSession";

/** Trust-admin schools of the signed-in user, handed to the devices feature. */
function DevicesRoute() {
  const me = useSignedInUser();
  const schools = me.memberships
    .filter((membership) => membership.role === "trust_admin")
    .map((membership) => ({ id: membership.school_id, name: membership.school_name }));
  return (
    <RequireRole roles={["trust_admin"]} title="Devices">
      <DevicesPage schools={schools} />
    </RequireRole>
  );
}

/** The user's schools where they hold one of `roles`, once each. */
function schoolsWith(me: Me, roles: string[]): Array<{ id: number; name: string }> {
  const out = new Map<number, string>();
  for (const m of me.memberships) if (roles.includes(m.role)) out.set(m.school_id, m.school_name);
  return [...out.entries()].map(([id, name]) => ({ id, name }));
}

function QueueRoute() {
  return <ApprovalQueuePage schools={schoolsWith(useSignedInUser(), ["leader"])} />;
}

function ReviewRoute() {
  return <ReviewPage userId={useSignedInUser().id} />;
}

function PublishingRoute() {
  const me = useSignedInUser();
  const trustAdmin = new Set(schoolsWith(me, ["trust_admin"]).map((s) => s.id));
  const schools = schoolsWith(me, ["leader", "trust_admin"]).map((s) => ({ ...s, trustAdmin: trustAdmin.has(s.id) }));
  return <PublishingPage schools={schools} />;
}

/** The consent screens get each school with the user's roles there. */
function ConsentRoute({ page: Screen }: { page: (props: { schools: ConsentSchool[] }) => ReactNode }) {
  const me = useSignedInUser();
  const bySchool = new Map<number, ConsentSchool>();
  for (const m of me.memberships) {
    const school = bySchool.get(m.school_id) ?? { id: m.school_id, name: m.school_name, roles: [] };
    school.roles.push(m.role);
    bySchool.set(m.school_id, school);
  }
  return <Screen schools={[...bySchool.values()]} />;
}

function MyPostsRoute() {
  return <MyPostsPage userId={useSignedInUser().id} />;
}

function NotFound() {
  return (
    <Page title="Page not found">
      <p>
        There is no page at this address. <Link to="/">Go to the home page</Link>
      </p>
    </Page>
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/signin" element={<SignInPage />} />
      <Route path="/two-factor/setup" element={<TwoFactorSetupPage />} />
      <Route element={<RequireSession>{(me) => <Layout me={me} />}</RequireSession>}>
        <Route index element={<HomePage />} />
        <Route
          path="posts/new"
          element={
            <RequireRole roles={["staff"]} title="New post">
              <NewPostPage />
            </RequireRole>
          }
        />
        <Route
          path="posts"
          element={
            <RequireRole roles={["staff"]} title="My posts">
              <MyPostsRoute />
            </RequireRole>
          }
        />
        <Route
          path="posts/:postId"
          element={
            <RequireRole roles={["staff", "leader", "dsl"]} title="Post">
              <PostPage />
            </RequireRole>
          }
        />
        <Route
          path="queue"
          element={
            <RequireRole roles={["leader"]} title="Approval queue">
              <QueueRoute />
            </RequireRole>
          }
        />
        <Route
          path="queue/:postId"
          element={
            <RequireRole roles={["leader", "dsl"]} title="Review post">
              <ReviewRoute />
            </RequireRole>
          }
        />
        <Route
          path="publishing"
          element={
            <RequireRole roles={["leader", "trust_admin"]} title="Publishing">
              <PublishingRoute />
            </RequireRole>
          }
        />
        <Route
          path="escalations"
          element={
            <RequireRole roles={["dsl"]} title="Escalations">
              <EscalationsPage />
            </RequireRole>
          }
        />
        <Route path="consent" element={<ConsentRoute page={ConsentSchoolsPage} />} />
        <Route path="consent/:schoolId" element={<ConsentRoute page={ConsentLookupPage} />} />
        <Route path="consent/:schoolId/people/:personId" element={<ConsentRoute page={PersonPage} />} />
        <Route path="consent/:schoolId/imports" element={<ConsentRoute page={ImportPage} />} />
        <Route path="consent/:schoolId/imports/:importId" element={<ConsentRoute page={ImportDetailPage} />} />
        <Route path="devices" element={<DevicesRoute />} />
        <Route path="devices/:schoolId" element={<DevicesRoute />} />
        <Route path="this-tablet" element={<ThisTabletPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
