import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeApi, meFor, SIGNED_OUT } from "../../../test/fakeApi";
import { renderApp } from "../../../test/renderApp";

const OTP_REQUIRED = {
  status: 400,
  body: {
    detail: "Your role needs a one-time code from your authenticator app.",
    code: "otp_required",
    field: "otp_token",
    otp_token: ["Your role needs a one-time code from your authenticator app."],
  },
};
const OTP_WRONG = {
  status: 403,
  body: {
    detail: "The one-time code is not right or has expired.",
    code: "otp_wrong",
    field: "otp_token",
    otp_token: ["The one-time code is not right or has expired."],
  },
};

const UNVERIFIED_LEADER = meFor(["leader"], { two_factor_verified: false, full_name: "Pat Head" });
const OTPAUTH_URI = "otpauth://totp/School%20post%20queue:head%40oakfield.test?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=School%20post%20queue";

/** A leader who has no authenticator yet: signing in sends them to set one up. */
function unverifiedLeaderApi() {
  return fakeApi({
    "GET /api/auth/me": SIGNED_OUT,
    "POST /api/auth/login": { status: 200, body: UNVERIFIED_LEADER },
    "POST /api/auth/totp/setup": { status: 200, body: { otpauth_uri: OTPAUTH_URI } },
    "POST /api/auth/totp/confirm": { status: 200, body: { ...UNVERIFIED_LEADER, two_factor_verified: true } },
  });
}

async function signIn(user: ReturnType<typeof renderApp>["user"], email: string) {
  await user.type(await screen.findByLabelText("Email"), email);
  await user.type(screen.getByLabelText("Password"), "correct-horse-battery");
  await user.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("sign-in", () => {
  it("sends a staff member to the dashboard with their schools, roles and menu", async () => {
    document.cookie = "csrftoken=token-from-cookie; path=/";
    const api = fakeApi({
      "GET /api/auth/me": SIGNED_OUT,
      "POST /api/auth/login": { status: 200, body: meFor(["staff"]) },
    });
    const { user } = renderApp("/");

    await screen.findByRole("heading", { name: "Sign in" });
    expect(screen.queryByLabelText("One-time code")).not.toBeInTheDocument();
    await user.type(screen.getByLabelText("Email"), "teacher@oakfield.test");
    await user.type(screen.getByLabelText("Password"), "correct-horse-battery");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    await screen.findByRole("heading", { name: "Hello, Sam Teacher" });
    const [login] = api.find("POST", "/api/auth/login");
    expect(login?.body).toEqual({ email: "teacher@oakfield.test", password: "correct-horse-battery" });
    expect(login?.headers.get("X-CSRFToken")).toBe("token-from-cookie");
    expect(screen.getByRole("heading", { name: "Oakfield Primary" })).toBeInTheDocument();
    expect(within(screen.getByRole("list", { name: "Your roles at Oakfield Primary" })).getByText("Staff")).toBeInTheDocument();
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(within(nav).getByRole("link", { name: "New post" })).toBeInTheDocument();
    expect(within(nav).getByRole("link", { name: "My posts" })).toBeInTheDocument();
    expect(within(nav).queryByRole("link", { name: "Approval queue" })).not.toBeInTheDocument();
    expect(within(nav).queryByRole("link", { name: "Devices" })).not.toBeInTheDocument();
  });

  it("asks for the one-time code when the API says the role needs it, then signs in", async () => {
    const leader = meFor(["leader", "staff"], { email: "head@oakfield.test", full_name: "Pat Head" });
    const api = fakeApi({
      "GET /api/auth/me": SIGNED_OUT,
      "POST /api/auth/login": (request) =>
        (request.body as { otp_token?: string }).otp_token === "123456"
          ? { status: 200, body: leader }
          : OTP_REQUIRED,
    });
    const { user } = renderApp("/signin");

    await user.type(await screen.findByLabelText("Email"), "head@oakfield.test");
    await user.type(screen.getByLabelText("Password"), "correct-horse-battery");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    const code = await screen.findByLabelText("One-time code");
    expect(code).toHaveFocus();
    expect(code).toHaveAccessibleDescription("Your role needs a one-time code from your authenticator app.");
    expect(code).not.toHaveAttribute("aria-invalid");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument(); // guidance, not an error

    await user.type(code, "123 456");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    await screen.findByRole("heading", { name: "Hello, Pat Head" });
    const logins = api.find("POST", "/api/auth/login");
    expect(logins).toHaveLength(2);
    expect(logins[1]?.body).toEqual({
      email: "head@oakfield.test",
      password: "correct-horse-battery",
      otp_token: "123456",
    });
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(within(nav).getByRole("link", { name: "Approval queue" })).toBeInTheDocument();
    expect(within(nav).getByRole("link", { name: "New post" })).toBeInTheDocument();
  });

  it("shows a wrong one-time code beside the code field", async () => {
    fakeApi({ "GET /api/auth/me": SIGNED_OUT, "POST /api/auth/login": [OTP_REQUIRED, OTP_WRONG] });
    const { user } = renderApp("/signin");

    await user.type(await screen.findByLabelText("Email"), "head@oakfield.test");
    await user.type(screen.getByLabelText("Password"), "correct-horse-battery");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    await user.type(await screen.findByLabelText("One-time code"), "000000");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    const code = screen.getByLabelText("One-time code");
    await expect.poll(() => code.getAttribute("aria-invalid")).toBe("true");
    expect(code).toHaveAccessibleDescription(
      expect.stringContaining("The one-time code is not right or has expired."),
    );
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("shows a wrong password beside the password field and stays on the page", async () => {
    fakeApi({
      "GET /api/auth/me": SIGNED_OUT,
      "POST /api/auth/login": {
        status: 403,
        body: { detail: "Email or password is not right.", code: "bad_login", field: "password", password: ["Email or password is not right."] },
      },
    });
    const { user } = renderApp("/signin");

    await user.type(await screen.findByLabelText("Email"), "teacher@oakfield.test");
    await user.type(screen.getByLabelText("Password"), "wrong");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByText("Email or password is not right.")).toBeInTheDocument();
    expect(screen.getByLabelText("Password")).toHaveAttribute("aria-invalid", "true");
    expect(screen.queryByLabelText("One-time code")).not.toBeInTheDocument();
  });

  it("sends a leader without an authenticator to set one up, with a local QR code", async () => {
    const api = unverifiedLeaderApi();
    const { user } = renderApp("/signin");

    await signIn(user, "head@oakfield.test");

    await screen.findByRole("heading", { name: "Set up two-factor sign-in" });
    expect(api.find("POST", "/api/auth/totp/setup")).toHaveLength(0); // only on request
    await user.click(screen.getByRole("button", { name: "Show my set-up code" }));

    const qr = await screen.findByRole("img", { name: "QR code to scan with your authenticator app" });
    expect(qr.tagName.toLowerCase()).toBe("svg");
    expect(qr.querySelector("path")?.getAttribute("d")).toMatch(/^M\d+,\d+h1v1h-1z/);
    expect(screen.getByTestId("otpauth-uri")).toHaveTextContent(OTPAUTH_URI);
    expect(screen.getByText("JBSW Y3DP EHPK 3PXP JBSW Y3DP")).toBeInTheDocument();

    await user.type(screen.getByLabelText("Code from the app"), "654321");
    await user.click(screen.getByRole("button", { name: "Turn on two-factor sign-in" }));

    await screen.findByRole("heading", { name: "Hello, Pat Head" });
    expect(api.find("POST", "/api/auth/totp/confirm")[0]?.body).toEqual({ otp_token: "654321" });
  });

  it("keeps a signed-out visitor away from inner pages and brings them back after sign-in", async () => {
    fakeApi({
      "GET /api/auth/me": SIGNED_OUT,
      "POST /api/auth/login": { status: 200, body: meFor(["staff"]) },
    });
    const { user } = renderApp("/this-tablet");

    await signIn(user, "teacher@oakfield.test");

    expect(await screen.findByRole("heading", { name: "This tablet" })).toBeInTheDocument();
  });

  it("brings a leader who must first set up two-factor sign-in back to the page they wanted", async () => {
    unverifiedLeaderApi();
    const { user } = renderApp("/this-tablet");

    await signIn(user, "head@oakfield.test");
    await screen.findByRole("heading", { name: "Set up two-factor sign-in" });
    await user.click(screen.getByRole("button", { name: "Show my set-up code" }));
    await user.type(await screen.findByLabelText("Code from the app"), "654321");
    await user.click(screen.getByRole("button", { name: "Turn on two-factor sign-in" }));

    expect(await screen.findByRole("heading", { name: "This tablet" })).toBeInTheDocument();
  });
});
