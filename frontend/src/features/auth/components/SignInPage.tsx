import { useEffect, useRef, useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Field } from "../../../components/Field";
import { Loading } from "../../../components/Loading";
import { Page } from "../../../components/Page";
import { errorMessages } from "../../../lib/errors";
import { needsTwoFactorSetup, useMe, useSignIn } from "../api/session";
import { safeNext, withNext } from "../nextPath";

const FIELDS = ["email", "password", "otp_token"] as const;

export function SignInPage() {
  const me = useMe();
  const signIn = useSignIn();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  // A role that must set up two-factor sign-in first still ends on the page it wanted.
  const setUpTwoFactor = withNext("/two-factor/setup", next);

  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [otpToken, setOtpToken] = useState("");
  // Shown once the API says this account needs a one-time code (400, code otp_required).
  const [otpAsked, setOtpAsked] = useState(false);
  const otpInput = useRef<HTMLInputElement>(null);

  const errors = errorMessages(signIn.error, FIELDS);
  const otpRequired = errors.code === "otp_required";
  const showOtp = otpAsked || otpRequired;

  useEffect(() => {
    if (otpRequired) otpInput.current?.focus();
  }, [otpRequired, signIn.error]);

  if (me.isPending) return <Loading />;
  if (me.data && !signIn.isPending && !signIn.isSuccess) {
    return <Navigate to={needsTwoFactorSetup(me.data) ? setUpTwoFactor : next} replace />;
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = otpToken.replace(/\s+/g, "");
    signIn.mutate(
      { email: email.trim(), password, ...(showOtp && code ? { otp_token: code } : {}) },
      {
        onError: (error) => {
          if (errorMessages(error).code === "otp_required") setOtpAsked(true);
        },
        onSuccess: (user) =>
          navigate(needsTwoFactorSetup(user) ? setUpTwoFactor : next, { replace: true }),
      },
    );
  }

  // "You need a code" is guidance, not a mistake: show it as the field's hint.
  const otpErrors = otpRequired ? [] : errors.fields.otp_token;
  const otpHint = otpRequired
    ? (errors.fields.otp_token?.[0] ?? "Enter the 6-digit code from your authenticator app.")
    : "Enter the 6-digit code from your authenticator app.";

  return (
    <div className="signin">
      <p className="product-name">School post queue</p>
      <Page title="Sign in">
        <form onSubmit={submit} noValidate className="form">
          <ErrorSummary messages={errors.top} />
          <Field
            name="email"
            label="Email"
            type="email"
            autoComplete="username"
            inputMode="email"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            errors={errors.fields.email}
          />
          <Field
            name="password"
            label="Password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            errors={errors.fields.password}
          />
          {showOtp ? (
            <Field
              ref={otpInput}
              name="otp_token"
              label="One-time code"
              hint={otpHint}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={8}
              value={otpToken}
              onChange={(event) => setOtpToken(event.target.value)}
              errors={otpErrors}
            />
          ) : null}
          <button type="submit" className="button button--primary" disabled={signIn.isPending}>
            {signIn.isPending ? "Signing in…" : "Sign in"}
          </button>
        </form>
      </Page>
    </div>
  );
}
