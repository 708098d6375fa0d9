/**
 * A school's channel accounts (trust administrators): which are connected, whether they
 * work (health), and their settings. Credentials are write-only: the API says which secret
 * fields are set (`credentials_set`), never their values, and a blank field keeps the
 * stored secret. Nothing here ever holds a secret beyond the form that sends it.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { components, paths } from "../../../client/schema";
import { api, unwrap } from "../../../lib/api";

export type ChannelAccount = components["schemas"]["ChannelAccountOutput"];
export type ChannelKind = ChannelAccount["kind"];
/** A kind of channel and the fields that connect an account of it (declared by its publisher on the server). */
export type ChannelKindSpec = components["schemas"]["ChannelKindOutput"];
export type AccountField = components["schemas"]["ChannelKindOutputAccountField"];
type CreateBody = NonNullable<paths["/api/schools/{school_id}/channel-accounts"]["post"]["requestBody"]>["content"]["application/json"];
type UpdateBody = NonNullable<paths["/api/channel-accounts/{account_id}"]["patch"]["requestBody"]>["content"]["application/json"];

const accountsKey = (schoolId: number) => ["channels", "accounts", schoolId] as const;
const account = (accountId: number) => ({ params: { path: { account_id: accountId } } });

/** Every kind of channel, in the order offered; it only changes with a release. */
export function useChannelKinds() {
  return useQuery({
    queryKey: ["channels", "kinds"] as const,
    queryFn: () => unwrap(api.GET("/api/channels/kinds")),
    staleTime: Infinity,
  });
}

export function useChannelAccounts(schoolId: number) {
  return useQuery({
    queryKey: accountsKey(schoolId),
    queryFn: () => unwrap(api.GET("/api/schools/{school_id}/channel-accounts", { params: { path: { school_id: schoolId } } })),
  });
}

/** Replace one account in the school's list with the server's answer. */
function useAccountChange<V>(schoolId: number, call: (vars: V) => Promise<ChannelAccount>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: (changed) => {
      queryClient.setQueryData<ChannelAccount[]>(accountsKey(schoolId), (old) =>
        old ? (old.some((a) => a.id === changed.id) ? old.map((a) => (a.id === changed.id ? changed : a)) : [...old, changed]) : [changed],
      );
    },
  });
}

export function useConnectChannel(schoolId: number) {
  return useAccountChange(schoolId, (body: CreateBody) =>
    unwrap(api.POST("/api/schools/{school_id}/channel-accounts", { params: { path: { school_id: schoolId } }, body })),
  );
}

export function useUpdateChannel(schoolId: number) {
  return useAccountChange(schoolId, ({ accountId, ...body }: UpdateBody & { accountId: number }) =>
    unwrap(api.PATCH("/api/channel-accounts/{account_id}", { ...account(accountId), body })),
  );
}

export function useHealthCheck(schoolId: number) {
  return useAccountChange(schoolId, (accountId: number) => unwrap(api.POST("/api/channel-accounts/{account_id}/health-check", account(accountId))));
}
