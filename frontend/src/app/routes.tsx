import { lazy, Suspense, type ComponentType } from "react";
import { createRoutesFromElements, Link, Outlet, Route, type RouteObject } from "react-router";
import { Loading } from "../components/Loading";
import { Page } from "../components/Page";
import type { Me } from "../features/auth/api/session";
import { SignInPage } from "../features/auth/components/SignInPage";
import type { ConsentSchool } from "../features/consent/components/labels";
import type { PostDetail } from "../lib/post";
import { HomePage } from "./HomePage";
import { Layout, useSignedInUser } from "./Layout";
import { RequireRole } from "./RequireRole";
import { RequireSession } from "./RequireSession";

/** Each screen's code loads when it is first opened: the sign-in page stays small. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any props: each screen keeps its own
function screen<M extends Record<K, ComponentType<any>>, K extends keyof M & string>(load: () => Promise<M>, name: K) {
  return lazy(async () => ({ default: (await load())[name] }));
}
const TwoFactorSetupPage = screen(() => import("../features/auth/components/TwoFactorSetupPage"), "TwoFactorSetupPage");
const ConsentSchoolsPage = screen(() => import("../features/consent/components/ConsentLookupPage"), "ConsentSchoolsPage");
const ConsentLookupPage = screen(() => import("../features/consent/components/ConsentLookupPage"), "ConsentLookupPage");
const ImportPage = screen(() => import("../features/consent/components/ImportPage"), "ImportPage");
const ImportDetailPage = screen(() => import("../features/consent/components/ImportPage"), "ImportDetailPage");
const PersonPage = screen(() => import("../features/consent/components/PersonPage"), "PersonPage");
const DevicesPage = screen(() => import("../features/devices/components/DevicesPage"), "DevicesPage");
const ThisTabletPage = screen(() => import("../features/devices/components/ThisTabletPage"), "ThisTabletPage");
const RolesPage = screen(() => import("../features/roles/components/RolesPage"), "RolesPage");
const MyPostsPage = screen(() => import("../features/posts/components/MyPostsPage"), "MyPostsPage");
const NewPostPage = screen(() => import("../features/posts/components/NewPostPage"), "NewPostPage");
const PostPage = screen(() => import("../features/posts/components/PostPage"), "PostPage");
const ApprovalQueuePage = screen(() => import("../features/queue/components/ApprovalQueuePage"), "ApprovalQueuePage");
const PublishingPage = screen(() => import("../features/queue/components/PublishingPage"), "PublishingPage");
const CommentsPage = screen(() => import("../features/comments/components/CommentsPage"), "CommentsPage");
const CommentPage = screen(() => import("../features/comments/components/CommentPage"), "CommentPage");
const ReviewPage = screen(() => import("../features/queue/components/ReviewPage"), "ReviewPage");
const ScreeningPage = screen(() => import("../features/comments/components/ScreeningPage"), "ScreeningPage");
const AddPersonPage = screen(() => import("../features/consent/components/PersonForm"), "AddPersonPage");
const TakedownsPage = screen(() => import("../features/publishing/components/TakedownsPage"), "TakedownsPage");
const TakedownPage = screen(() => import("../features/publishing/components/TakedownPage"), "TakedownPage");
const ChannelsPage = screen(() => import("../features/channels/components/ChannelsPage"), "ChannelsPage");
const PublicationsPanel = screen(() => import("../features/publishing/components/PublicationsPanel"), "PublicationsPanel");

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

/** Trust administrators mark the head teacher (who, with the DSL, sees escalated comments). */
function RolesRoute() {
  const me = useSignedInUser();
  return (
    <RequireRole roles={["trust_admin"]} title="Roles">
      <RolesPage schools={schoolsWith(me, ["trust_admin"])} />
    </RequireRole>
  );
}

/** The user's schools where they hold one of `roles`, once each. */
function schoolsWith(me: Me, roles: string[]): Array<{ id: number; name: string }> {
  const out = new Map<number, string>();
  for (const m of me.memberships) if (roles.includes(m.role)) out.set(m.school_id, m.school_name);
  return [...out.entries()].map(([id, name]) => ({ id, name }));
}

/** Where a post is published, on its page; leaders of its school may act on it. */
function usePublishingSlot() {
  const me = useSignedInUser();
  const leaderAt = new Set(schoolsWith(me, ["leader"]).map((s) => s.id));
  return (post: PostDetail, onPostChanged: () => void) => (
    <Suspense fallback={<Loading label="Loading where it is published…" />}>
      <PublicationsPanel post={post} canAct={leaderAt.has(post.school)} onPostChanged={onPostChanged} />
    </Suspense>
  );
}

function PostRoute() {
  return <PostPage publishing={usePublishingSlot()} />;
}

function ChannelsRoute() {
  return (
    <RequireRole roles={["trust_admin"]} title="Channels">
      <ChannelsPage schools={schoolsWith(useSignedInUser(), ["trust_admin"])} />
    </RequireRole>
  );
}

function ScreeningRoute() {
  const me = useSignedInUser();
  const leaderAt = new Set(schoolsWith(me, ["leader"]).map((s) => s.id));
  const schools = schoolsWith(me, ["leader", "dsl"]).map((s) => ({ ...s, canEdit: leaderAt.has(s.id) }));
  return <ScreeningPage schools={schools} />;
}

function QueueRoute() {
  return <ApprovalQueuePage schools={schoolsWith(useSignedInUser(), ["leader"])} />;
}

function CommentsRoute() {
  const me = useSignedInUser();
  // R13: escalated comments are for the DSL and the head teacher (a marked leader) only.
  const seesEscalations = me.memberships.some((m) => m.role === "dsl" || (m.role === "leader" && m.is_head_teacher));
  return <CommentsPage userId={me.id} seesEscalations={seesEscalations} />;
}

function CommentRoute() {
  const me = useSignedInUser();
  return <CommentPage userId={me.id} userName={me.full_name || me.email} />;
}

function ReviewRoute() {
  return <ReviewPage userId={useSignedInUser().id} publishing={usePublishingSlot()} />;
}

function PublishingRoute() {
  const me = useSignedInUser();
  const trustAdmin = new Set(schoolsWith(me, ["trust_admin"]).map((s) => s.id));
  const schools = schoolsWith(me, ["leader", "trust_admin"]).map((s) => ({ ...s, trustAdmin: trustAdmin.has(s.id) }));
  return <PublishingPage schools={schools} />;
}

/** The consent screens get each school with the user's roles there. */
function ConsentRoute({ page: Screen }: { page: ComponentType<{ schools: ConsentSchool[] }> }) {
  const me = useSignedInUser();
  const bySchool = new Map<number, ConsentSchool>();
  for (const m of me.memberships) {
    const school = bySchool.get(m.school_id) ?? { id: m.school_id, name: m.school_name, roles: [] };
    school.roles.push(m.role);
    bySchool.set(m.school_id, school);
  }
  return <Screen schools={[...bySchool.values()]} />;
}

/** The school whose connected channels a new post is offered, and whether the user may connect more there (item 6 of issue 17). */
function NewPostRoute() {
  const me = useSignedInUser();
  const school = me.memberships.find((m) => ["staff", "leader", "dsl"].includes(m.role));
  const canConnectChannels = me.memberships.some((m) => m.school_id === school?.school_id && m.role === "trust_admin");
  return <NewPostPage schoolId={school?.school_id} canConnectChannels={canConnectChannels} />;
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

/** Each screen's code loads lazily: until it arrives, say so. */
function Screens() {
  return (
    <Suspense fallback={<Loading />}>
      <Outlet />
    </Suspense>
  );
}

/** A screen that failed to draw: say so in words, with a way on, not a blank page. */
function ScreenError() {
  return (
    <main className="main">
      <section className="page" role="alert">
        <h1>Something went wrong</h1>
        <p>
          This page could not be shown. Reload the page to try again, or <a href="/">go to the home page</a>.
        </p>
      </section>
    </main>
  );
}

/**
 * The app's routes, for a data router (`createBrowserRouter`, or `createMemoryRouter` in tests):
 * a data router is what lets a page with unsaved text hold an in-app navigation and ask first
 * (`useBlocker`, see lib/useUnsavedChanges.ts).
 */
export const appRoutes: RouteObject[] = createRoutesFromElements(
  <Route element={<Screens />} errorElement={<ScreenError />}>
    <Route path="/signin" element={<SignInPage />} />
    <Route path="/two-factor/setup" element={<TwoFactorSetupPage />} />
    <Route element={<RequireSession>{(me) => <Layout me={me} />}</RequireSession>}>
      <Route index element={<HomePage />} />
      <Route
        path="posts/new"
        element={
          <RequireRole roles={["staff", "leader", "dsl"]} title="New post">
            <NewPostRoute />
          </RequireRole>
        }
      />
      <Route
        path="posts"
        element={
          <RequireRole roles={["staff", "leader", "dsl"]} title="My posts">
            <MyPostsRoute />
          </RequireRole>
        }
      />
      <Route
        path="posts/:postId"
        element={
          <RequireRole roles={["staff", "leader", "dsl"]} title="Post">
            <PostRoute />
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
        path="comments"
        element={
          <RequireRole roles={["leader", "dsl"]} title="Comments">
            <CommentsRoute />
          </RequireRole>
        }
      />
      <Route
        path="comments/settings"
        element={
          <RequireRole roles={["leader", "dsl"]} title="Comment screening">
            <ScreeningRoute />
          </RequireRole>
        }
      />
      <Route
        path="comments/settings/:schoolId"
        element={
          <RequireRole roles={["leader", "dsl"]} title="Comment screening">
            <ScreeningRoute />
          </RequireRole>
        }
      />
      <Route
        path="takedowns"
        element={
          <RequireRole roles={["leader"]} title="Takedowns">
            <TakedownsPage />
          </RequireRole>
        }
      />
      <Route
        path="takedowns/:takedownId"
        element={
          <RequireRole roles={["leader"]} title="Takedown">
            <TakedownPage />
          </RequireRole>
        }
      />
      <Route path="channels" element={<ChannelsRoute />} />
      <Route path="channels/:schoolId" element={<ChannelsRoute />} />
      <Route
        path="comments/:commentId"
        element={
          <RequireRole roles={["leader", "dsl"]} title="Comment">
            <CommentRoute />
          </RequireRole>
        }
      />
      <Route path="consent" element={<ConsentRoute page={ConsentSchoolsPage} />} />
      <Route path="consent/:schoolId" element={<ConsentRoute page={ConsentLookupPage} />} />
      <Route path="consent/:schoolId/people/new" element={<ConsentRoute page={AddPersonPage} />} />
      <Route path="consent/:schoolId/people/:personId" element={<ConsentRoute page={PersonPage} />} />
      <Route path="consent/:schoolId/imports" element={<ConsentRoute page={ImportPage} />} />
      <Route path="consent/:schoolId/imports/:importId" element={<ConsentRoute page={ImportDetailPage} />} />
      <Route path="devices" element={<DevicesRoute />} />
      <Route path="devices/:schoolId" element={<DevicesRoute />} />
      <Route path="this-tablet" element={<ThisTabletPage />} />
      <Route path="roles" element={<RolesRoute />} />
      <Route path="*" element={<NotFound />} />
    </Route>
  </Route>,
);
