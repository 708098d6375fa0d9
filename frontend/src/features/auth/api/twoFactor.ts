/** First-time two-factor set-up (POST /api/auth/totp/setup, then /api/auth/totp/confirm). */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../../lib/api";
import { ME_QUERY_KEY } from "./session";

export async function startTwoFactorSetup(): Promise<string> {
  const { otpauth_uri: uri } = await unwrap(api.POST("/api/auth/totp/setup"));
  // The secret is in this URI: never draw a QR code of anything else.
  if (typeof uri !== "string" || !uri.startsWith("otpauth://")) {
    throw new Error("The server did not return an authenticator set-up code.");
  }
  return uri;
}

export function useStartTwoFactorSetup() {
  return useMutation({ mutationFn: startTwoFactorSetup });
}

export function useConfirmTwoFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (otpToken: string) =>
      unwrap(
        api.POST("/api/auth/totp/confirm", {
          body: { otp_token: otpToken },
        }),
      ),
    onSuccess: (me) => queryClient.setQueryData(ME_QUERY_KEY, me),
  });
}

/** The secret inside an otpauth:// URI, in groups of four for typing by hand. */
export function secretFromUri(uri: string): string | null {
  const query = uri.split("?", 2)[1];
  if (!query) return null;
  const secret = new URLSearchParams(query).get("secret");
  return secret ? secret.replace(/(.{4})/g, "$1 ").trim() : null;
}
