import { Link, Route, Routes } from "react-router";
import { Page } from "../components/Page";
import { SignInPage } from "../features/auth/components/SignInPage";
import { TwoFactorSetupPage } from "../features/auth/components/TwoFactorSetupPage";
import { EscalationsPage } from "../features/comments/components/EscalationsPage";
import { ConsentRegisterPage } from "../features/consent/components/ConsentRegisterPage";
import { DevicesPage } from "../features/devices/components/DevicesPage";
import { ThisTabletPage } from "../features/devices/components/ThisTabletPage";
import { MyPostsPage } from "../features/posts/components/MyPostsPage";
import { NewPostPage } from "../features/posts/components/NewPostPage";
import { ApprovalQueuePage } from "../features/queue/components/ApprovalQueuePage";
import { HomePage } from "./HomePage";
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
              <MyPostsPage />
            </RequireRole>
          }
        />
        <Route
          path="queue"
          element={
            <RequireRole roles={["leader"]} title="Approval queue">
              <ApprovalQueuePage />
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
        <Route
          path="consent"
          element={
            <RequireRole roles={["consent_admin"]} title="Consent register">
              <ConsentRegisterPage />
            </RequireRole>
          }
        />
        <Route path="devices" element={<DevicesRoute />} />
        <Route path="devices/:schoolId" element={<DevicesRoute />} />
        <Route path="this-tablet" element={<ThisTabletPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
