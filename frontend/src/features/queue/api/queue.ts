/**
 * The leaders' approval queue: the list (filters, most urgent first), one post with its
 * diff since the version this leader last saw (kept on the server) and history, the decisions (approve the exact content hash seen, reject, request
 * changes), the thread, and each school's publishing pause.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { paths } from "../../../client/schema";
import { api, unwrap } from "../../../lib/api";
import { CHECKING_STATUSES, diffView, type PostDetail } from "../../../lib/post";

export type QueueQuery = NonNullable<paths["/api/posts"]["get"]["parameters"]["query"]>;
type ApproveBody = NonNullable<paths["/api/posts/{post_id}/approve"]["post"]["requestBody"]>["content"]["application/json"];
type PublishingBody = NonNullable<paths["/api/schools/{school_id}/publishing"]["post"]["requestBody"]>["content"]["application/json"];
type PublishingPolicyBody = NonNullable<paths["/api/schools/{school_id}/publishing"]["patch"]["requestBody"]>["content"]["application/json"];
export type Publishing = paths["/api/schools/{school_id}/publishing"]["get"]["responses"][200]["content"]["application/json"];

const queueKey = ["queue", "list"] as const;
export const queuePostKey = (postId: number) => ["queue", "post", postId] as const;
const postKey = queuePostKey;
const publishingKey = (schoolId: number) => ["queue", "publishing", schoolId] as const;
const path = (postId: number) => ({ params: { path: { post_id: postId } } });

export function useQueue(query: QueueQuery, page: number) {
  return useQuery({
    queryKey: [...queueKey, query, page],
    queryFn: async () => {
      const params: QueueQuery & { page: number } = { ...query, page };
      return unwrap(api.GET("/api/posts", { params: { query: params } }));
    },
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

export function useQueuePost(postId: number) {
  return useQuery({
    queryKey: postKey(postId),
    queryFn: () => unwrap(api.GET("/api/posts/{post_id}", path(postId))),
    refetchInterval: (query) => (CHECKING_STATUSES.includes(query.state.data?.status ?? "") ? 2000 : false),
  });
}

export function usePostDiff(postId: number, since: number | null) {
  return useQuery({
    queryKey: ["queue", "diff", postId, since],
    queryFn: async () =>
      diffView(await unwrap(api.GET("/api/posts/{post_id}/diff", { params: { path: { post_id: postId }, query: { since: since ?? 0 } } }))),
    enabled: since !== null,
    retry: false,
  });
}

export function usePostHistory(postId: number, enabled: boolean) {
  return useQuery({
    queryKey: ["queue", "history", postId],
    queryFn: () => unwrap(api.GET("/api/posts/{post_id}/history", path(postId))),
    enabled,
  });
}

function useDecision<V>(postId: number, call: (vars: V) => Promise<PostDetail>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: (post) => {
      queryClient.setQueryData(postKey(postId), post);
      void queryClient.invalidateQueries({ queryKey: queueKey });
      void queryClient.invalidateQueries({ queryKey: ["queue", "history", postId] });
    },
  });
}

type ResolveBody = NonNullable<paths["/api/posts/{post_id}/disputes/{dispute_id}/resolve"]["post"]["requestBody"]>["content"]["application/json"];

/** R1: uphold ("the recognition is wrong": it is removed) or reject a dispute, with a reason. */
export function useResolveDispute(postId: number) {
  return useDecision(postId, ({ disputeId, ...body }: ResolveBody & { disputeId: number }) =>
    unwrap(api.POST("/api/posts/{post_id}/disputes/{dispute_id}/resolve", { params: { path: { post_id: postId, dispute_id: disputeId } }, body })),
  );
}

/** R2 (school policy): confirm another person's "adult with consent on file" tag. */
export function useConfirmAdult(postId: number) {
  return useDecision(postId, (faceId: number) =>
    unwrap(api.POST("/api/posts/{post_id}/faces/{face_id}/confirm-adult", { params: { path: { post_id: postId, face_id: faceId } } })),
  );
}

export function useApprove(postId: number) {
  return useDecision(postId, (body: ApproveBody) => unwrap(api.POST("/api/posts/{post_id}/approve", { ...path(postId), body })));
}

export function useReject(postId: number) {
  return useDecision(postId, (reason: string) => unwrap(api.POST("/api/posts/{post_id}/reject", { ...path(postId), body: { reason } })));
}

export function useRequestChanges(postId: number) {
  return useDecision(postId, (comment: string) =>
    unwrap(api.POST("/api/posts/{post_id}/request-changes", { ...path(postId), body: { comment } })),
  );
}

export function useAddNote(postId: number) {
  return useDecision(postId, (text: string) => unwrap(api.POST("/api/posts/{post_id}/notes", { ...path(postId), body: { text } })));
}

export function usePublishing(schoolId: number) {
  return useQuery({
    queryKey: publishingKey(schoolId),
    queryFn: () => unwrap(api.GET("/api/schools/{school_id}/publishing", { params: { path: { school_id: schoolId } } })),
    staleTime: 30_000,
    refetchInterval: 60_000,
  });
}

export function useSetPublishing(schoolId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PublishingBody) =>
      unwrap(api.POST("/api/schools/{school_id}/publishing", { params: { path: { school_id: schoolId } }, body })),
    // A trust-wide pause changes other schools too: ask for every school's state again.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["queue", "publishing"] }),
  });
}

/** A leader changes the school's policy (here: R21, the photos it publishes); audited. */
export function useSetPublishingPolicy(schoolId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PublishingPolicyBody) =>
      unwrap(api.PATCH("/api/schools/{school_id}/publishing", { params: { path: { school_id: schoolId } }, body })),
    onSuccess: (policy) => queryClient.setQueryData(publishingKey(schoolId), policy),
  });
}

// --- the version each leader last saw, per post, kept on the server (issue 17, item 9) -----------

export type SeenAnswer = paths["/api/posts/{post_id}/seen"]["post"]["responses"][200]["content"]["application/json"];

/**
 * Tell the server this leader has the post's current version in front of them; it answers
 * the version they had seen before, on whichever device that was. Not a query: it changes
 * what the server holds, and is safe to repeat.
 */
export function markPostSeen(postId: number): Promise<SeenAnswer> {
  return unwrap(api.POST("/api/posts/{post_id}/seen", path(postId)));
}
