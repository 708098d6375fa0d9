/** First-time two-factor set-up (POST /api/auth/totp/setup, then /api/auth/totp/confirm). */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { paths } from "../../../client/schema";
import { api, unwrap } from "../../../lib/api";
import { ME_QUERY_KEY } from "./session";

// SCHEMA-GAP: the backend's nested InputSerializer/OutputSerializer classes share one
// OpenAPI component name, so today's generated types give this endpoint the sign-in body
// and the set-up endpoint the audit-event output. The casts and the run-time check below
// keep the real shapes until the backend names components uniquely (docs/architecture.md,
// "Front end"); they stay correct after `make schema && npm run generate`.
type ConfirmBody = NonNullable<
  paths["/api/auth/totp/confirm"]["post"]["requestBody"]
>["content"]["application/json"];

export async function startTwoFactorSetup(): Promise<string> {
  const data: unknown = await unwrap(api.POST("/api/auth/totp/setup"));
  const uri =
    data !== null && typeof data === "object" && "otpauth_uri" in data ? data.otpauth_uri : null;
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
          body: { otp_token: otpToken } as unknown as ConfirmBody,
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
