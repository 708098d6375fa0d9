/** Who is signed in, signing in and out (GET /api/auth/me, POST /api/auth/login|logout). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { paths } from "../../../client/schema";
import { api, ApiError, unwrap } from "../../../lib/api";
import { isSignedOutError } from "../../../lib/errors";

export type Me = paths["/api/auth/me"]["get"]["responses"][200]["content"]["application/json"];
type LoginBody = NonNullable<paths["/api/auth/login"]["post"]["requestBody"]>["content"]["application/json"];

export const ME_QUERY_KEY = ["auth", "me"] as const;

/** The signed-in user, or null when nobody is signed in. */
export async function fetchMe(): Promise<Me | null> {
  try {
    return await unwrap(api.GET("/api/auth/me"));
  } catch (error) {
    if (error instanceof ApiError && isSignedOutError(error)) return null;
    throw error;
  }
}

export function useMe() {
  return useQuery({ queryKey: ME_QUERY_KEY, queryFn: fetchMe, staleTime: 60_000 });
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginBody) => unwrap(api.POST("/api/auth/login", { body })),
    onSuccess: (me) => queryClient.setQueryData(ME_QUERY_KEY, me),
  });
}

/**
 * Sign out, then load the sign-in page afresh: on a shared tablet nothing the last user
 * saw (query cache, form state) survives in memory. The tablet's credential stays.
 */
export function useSignOut(leave: () => void = () => window.location.assign("/signin")) {
  return useMutation({
    mutationFn: async () => {
      try {
        await unwrap(api.POST("/api/auth/logout"));
      } catch (error) {
        if (!isSignedOutError(error)) throw error; // already signed out is fine
      }
    },
    onSuccess: leave,
  });
}

export function roleNames(me: Me): Set<string> {
  return new Set(me.memberships.map((membership) => membership.role));
}

/** Signed in, but the role needs two-factor sign-in and this session has not passed it. */
export function needsTwoFactorSetup(me: Me): boolean {
  return me.two_factor_required && !me.two_factor_verified;
}
