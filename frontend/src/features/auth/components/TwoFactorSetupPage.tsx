import { useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Field } from "../../../components/Field";
import { Loading } from "../../../components/Loading";
import { Page } from "../../../components/Page";
import { errorMessages } from "../../../lib/errors";
import { needsTwoFactorSetup, useMe } from "../api/session";
import { secretFromUri, useConfirmTwoFactor, useStartTwoFactorSetup } from "../api/twoFactor";
import { safeNext } from "../nextPath";
import { QrCode } from "./QrCode";
import { SignOutButton } from "./SignOutButton";

/**
 * Leaders, safeguarding leads, consent admins and trust admins (every role that sees
 * biometric or safeguarding data; the server says so in `two_factor_required`) must use an
 * authenticator app. Until they
 * have set one up the API lets them do nothing else, so this screen is all they see.
 * Set-up starts on a button press (not on page load) so that a reload or a double render
 * never issues a second secret behind the one on screen.
 */
export function TwoFactorSetupPage() {
  const me = useMe();
  const start = useStartTwoFactorSetup();
  const confirm = useConfirmTwoFactor();
  const navigate = useNavigate();
  const [code, setCode] = useState("");
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));

  if (me.isPending) return <Loading />;
  if (!me.data) return <Navigate to="/signin" replace />;
  if (!needsTwoFactorSetup(me.data) && !confirm.isSuccess) return <Navigate to={next} replace />;

  const startErrors = errorMessages(start.error);
  const confirmErrors = errorMessages(confirm.error, ["otp_token"]);
  const uri = start.data;
  const secret = uri ? secretFromUri(uri) : null;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    confirm.mutate(code.replace(/\s+/g, ""), {
      onSuccess: () => navigate(next, { replace: true }),
    });
  }

  return (
    <div className="signin">
      <p className="product-name">School post queue</p>
      <Page title="Set up two-factor sign-in">
        <p>
          Your role needs a second step when you sign in: a 6-digit code from an authenticator app
          on your phone (for example Microsoft Authenticator or Google Authenticator).
        </p>
        {!uri ? (
          <>
            <ErrorSummary messages={startErrors.top} />
            <button
              type="button"
              className="button button--primary"
              onClick={() => start.mutate()}
              disabled={start.isPending}
            >
              {start.isPending ? "Preparing…" : "Show my set-up code"}
            </button>
          </>
        ) : (
          <>
            <ol className="steps">
              <li>Open your authenticator app and choose to add an account.</li>
              <li>Scan this QR code with it.</li>
            </ol>
            <QrCode value={uri} label="QR code to scan with your authenticator app" />
            <details className="manual-entry">
              <summary>I can&apos;t scan the code</summary>
              {secret ? (
                <p>
                  Type this key into the app instead: <code className="secret">{secret}</code>
                </p>
              ) : null}
              <p>Set-up address (for copying into the app):</p>
              <code className="credential" data-testid="otpauth-uri">
                {uri}
              </code>
            </details>
            <form onSubmit={submit} noValidate className="form">
              <ErrorSummary messages={confirmErrors.top} />
              <Field
                name="otp_token"
                label="Code from the app"
                hint="Enter the 6-digit code the app now shows for this account."
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={8}
                value={code}
                onChange={(event) => setCode(event.target.value)}
                errors={confirmErrors.fields.otp_token}
              />
              <button type="submit" className="button button--primary" disabled={confirm.isPending}>
                {confirm.isPending ? "Checking…" : "Turn on two-factor sign-in"}
              </button>
            </form>
          </>
        )}
        <p className="aside">
          Not you, or need to stop here? <SignOutButton className="button button--link" />
        </p>
      </Page>
    </div>
  );
}
