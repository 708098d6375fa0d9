/**
 * After approval: where each post stands on each channel (publications), what a leader does
 * when a channel's outcome is unknown or failed ("mark as posted", "post again"), and
 * takedowns (R10): asked for by a leader or started when consent ends, confirmed by a leader,
 * then deleted on every channel and retried until done.
 */
import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import type { components, paths } from "../../../client/schema";
import { api, unwrap } from "../../../lib/api";

export type Publication = components["schemas"]["PublicationOutput"];
export type PublicationState = NonNullable<Publication["state"]>;
export type Takedown = components["schemas"]["TakedownOutput"];
export type TakedownState = NonNullable<Takedown["state"]>;
type MarkPostedBody = NonNullable<paths["/api/publications/{publication_id}/mark-posted"]["post"]["requestBody"]>["content"]["application/json"];
type TakedownQuery = NonNullable<paths["/api/takedowns"]["get"]["parameters"]["query"]>;

const publicationsKey = (postId: number) => ["publishing", "publications", postId] as const;
const takedownsKey = ["publishing", "takedowns"] as const;
const takedownKey = (id: number) => ["publishing", "takedown", id] as const;

/** While something is still on its way (or coming down), ask again this often. */
export const PROGRESS_POLL_MS = 4000;
const MOVING: readonly string[] = ["queued", "attempting"];

export function usePublications(postId: number) {
  return useQuery({
    queryKey: publicationsKey(postId),
    queryFn: () => unwrap(api.GET("/api/posts/{post_id}/publications", { params: { path: { post_id: postId } } })),
    refetchInterval: (query) => (query.state.data?.some((p) => MOVING.includes(p.state ?? "")) ? PROGRESS_POLL_MS : false),
  });
}

/** A change to one channel can change the post's status too: the page asks for it again. */
function usePublicationChange<V>(postId: number, call: (vars: V) => Promise<Publication>, onPostChanged: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: (publication) => {
      queryClient.setQueryData<Publication[]>(publicationsKey(postId), (old) => old?.map((p) => (p.id === publication.id ? publication : p)));
      void queryClient.invalidateQueries({ queryKey: publicationsKey(postId) });
      onPostChanged();
    },
  });
}

export function useMarkPosted(postId: number, onPostChanged: () => void) {
  return usePublicationChange(
    postId,
    ({ publicationId, ...body }: MarkPostedBody & { publicationId: number }) =>
      unwrap(api.POST("/api/publications/{publication_id}/mark-posted", { params: { path: { publication_id: publicationId } }, body })),
    onPostChanged,
  );
}

export function usePostAgain(postId: number, onPostChanged: () => void) {
  return usePublicationChange(
    postId,
    (publicationId: number) => unwrap(api.POST("/api/publications/{publication_id}/post-again", { params: { path: { publication_id: publicationId } } })),
    onPostChanged,
  );
}

export function useRequestTakedown(postId: number, onPostChanged: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (reason: string) => unwrap(api.POST("/api/posts/{post_id}/takedown", { params: { path: { post_id: postId } }, body: { reason } })),
    onSuccess: (takedown) => {
      queryClient.setQueryData(takedownKey(takedown.id), takedown);
      void queryClient.invalidateQueries({ queryKey: takedownsKey });
      void queryClient.invalidateQueries({ queryKey: publicationsKey(postId) });
      onPostChanged();
    },
  });
}

export function useTakedowns(query: TakedownQuery = {}, options: { poll?: number | false; enabled?: boolean } = {}) {
  return useQuery({
    queryKey: [...takedownsKey, query],
    queryFn: () => unwrap(api.GET("/api/takedowns", { params: { query } })),
    refetchInterval: options.poll ?? 60_000,
    enabled: options.enabled ?? true,
  });
}

export function useTakedown(takedownId: number) {
  return useQuery({
    queryKey: takedownKey(takedownId),
    queryFn: () => unwrap(api.GET("/api/takedowns/{takedown_id}", { params: { path: { takedown_id: takedownId } } })),
    refetchInterval: (query) => (query.state.data?.state === "confirmed" ? PROGRESS_POLL_MS : false),
  });
}

export function useConfirmTakedown(takedownId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/takedowns/{takedown_id}/confirm", { params: { path: { takedown_id: takedownId } } })),
    onSuccess: (takedown) => {
      queryClient.setQueryData(takedownKey(takedownId), takedown);
      void queryClient.invalidateQueries({ queryKey: takedownsKey });
      void queryClient.invalidateQueries({ queryKey: publicationsKey(takedown.post) });
    },
  });
}

/** The posts behind a list of takedowns (what must come down), each asked for once. */
export function useTakedownPosts(postIds: number[]) {
  return useQueries({
    queries: postIds.map((postId) => ({
      queryKey: ["publishing", "post", postId] as const,
      queryFn: () => unwrap(api.GET("/api/posts/{post_id}", { params: { path: { post_id: postId } } })),
      staleTime: 60_000,
    })),
  });
}

// --- SCHEMA-GAP: a takedown's `publications` is typed `{[key]: unknown}[]` in openapi.yaml ------
// (a SerializerMethodField). Each item is checked here; a malformed one is dropped.

export interface TakedownChannel {
  id: number;
  channel: string;
  state: string;
  error: string;
  takenDownAt: string | null;
}

export function takedownChannels(takedown: Takedown): TakedownChannel[] {
  return takedown.publications.flatMap((item): TakedownChannel[] =>
    typeof item.id === "number" && typeof item.channel === "string" && typeof item.state === "string"
      ? [
          {
            id: item.id,
            channel: item.channel,
            state: item.state,
            error: typeof item.error === "string" ? item.error : "",
            takenDownAt: typeof item.taken_down_at === "string" ? item.taken_down_at : null,
          },
        ]
      : [],
  );
}
