/**
 * Staff drafting on an enrolled tablet: create and edit a draft, photos with alt text,
 * submit, then fix what the checks found (tag, blur, draw a face, remove). Every change
 * carries the tablet's credential (lib/api.ts); every answer is the whole post again, which
 * replaces the cached copy so the screen shows exactly what the server holds.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { paths } from "../../../client/schema";
import { api, multipart, unwrap } from "../../../lib/api";
import { asPage } from "../../../lib/pages";
import { CHECKING_STATUSES, type Box, type PostDetail } from "../../../lib/post";

type PostPath = "/api/posts/{post_id}";
type CreateBody = NonNullable<paths["/api/posts"]["post"]["requestBody"]>["content"]["application/json"];
type EditBody = NonNullable<paths[PostPath]["patch"]["requestBody"]>["content"]["application/json"];
type ImageBody = NonNullable<paths["/api/posts/{post_id}/images"]["post"]["requestBody"]>["content"]["multipart/form-data"];
type TagBody = NonNullable<paths["/api/posts/{post_id}/faces/{face_id}/tag"]["post"]["requestBody"]>["content"]["application/json"];
type BlurBody = NonNullable<paths["/api/posts/{post_id}/blur"]["post"]["requestBody"]>["content"]["application/json"];
type PeopleQuery = NonNullable<paths["/api/schools/{school_id}/people/status"]["get"]["parameters"]["query"]>;
export type SchoolChannel = paths["/api/schools/{school_id}/channels"]["get"]["responses"][200]["content"]["application/json"][number];
export type PersonStatus = paths["/api/schools/{school_id}/people/status"]["get"]["responses"][200]["content"]["application/json"]["results"][number];

export const postKey = (postId: number) => ["posts", "detail", postId] as const;
const myPostsKey = ["posts", "mine"] as const;

/** How often to ask again while the checks run in the background. */
export const CHECK_POLL_MS = 1500;

const path = (postId: number) => ({ params: { path: { post_id: postId } } });

export function usePost(postId: number) {
  return useQuery({
    queryKey: postKey(postId),
    queryFn: () => unwrap(api.GET("/api/posts/{post_id}", path(postId))),
    refetchInterval: (query) => (CHECKING_STATUSES.includes(query.state.data?.status ?? "") ? CHECK_POLL_MS : false),
  });
}

export function useMyPosts(authorId: number, page: number) {
  return useQuery({
    queryKey: [...myPostsKey, authorId, page],
    queryFn: async () => {
      const query = { author: authorId, page };
      return unwrap(api.GET("/api/posts", { params: { query } }));
    },
    placeholderData: keepPreviousData,
  });
}

/** The author's posts a leader sent back with changes requested (the home page says so, item 5). */
export function usePostsNeedingChanges(authorId: number, enabled: boolean) {
  return useQuery({
    queryKey: [...myPostsKey, authorId, "changes_requested"],
    queryFn: () => unwrap(api.GET("/api/posts", { params: { query: { author: authorId, status: ["changes_requested"] } } })),
    enabled,
    refetchInterval: 60_000,
  });
}

/** Every change answers with the whole post: put it in the cache as it is. */
function usePostChange<V>(postId: number, call: (vars: V) => Promise<PostDetail>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: (post) => {
      queryClient.setQueryData(postKey(postId), post);
      void queryClient.invalidateQueries({ queryKey: myPostsKey });
    },
  });
}

export function useCreatePost() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateBody) => unwrap(api.POST("/api/posts", { body })),
    onSuccess: (post) => {
      queryClient.setQueryData(postKey(post.id), post);
      void queryClient.invalidateQueries({ queryKey: myPostsKey });
    },
  });
}

export function useEditPost(postId: number) {
  return usePostChange(postId, (body: EditBody) => unwrap(api.PATCH("/api/posts/{post_id}", { ...path(postId), body })));
}

export function useSubmitPost(postId: number) {
  return usePostChange(postId, () => unwrap(api.POST("/api/posts/{post_id}/submit", path(postId))));
}

export function useAddPhoto(postId: number) {
  return usePostChange(postId, ({ file, altText }: { file: File; altText: string }) =>
    unwrap(
      api.POST("/api/posts/{post_id}/images", {
        ...path(postId),
        body: multipart<ImageBody>({ image: file, alt_text: altText }),
      }),
    ),
  );
}

export function useUpdateAltText(postId: number) {
  return usePostChange(postId, ({ imageId, altText }: { imageId: number; altText: string }) =>
    unwrap(
      api.PATCH("/api/posts/{post_id}/images/{image_id}", {
        params: { path: { post_id: postId, image_id: imageId } },
        body: { alt_text: altText },
      }),
    ),
  );
}

export function useRemovePhoto(postId: number) {
  return usePostChange(postId, (imageId: number) =>
    unwrap(api.DELETE("/api/posts/{post_id}/images/{image_id}", { params: { path: { post_id: postId, image_id: imageId } } })),
  );
}

export function useTagFace(postId: number) {
  return usePostChange(postId, ({ faceId, ...body }: TagBody & { faceId: number }) =>
    unwrap(api.POST("/api/posts/{post_id}/faces/{face_id}/tag", { params: { path: { post_id: postId, face_id: faceId } }, body })),
  );
}

/** R1: "this is not <person>": the post stays blocked until a leader decides. */
export function useDisputeFace(postId: number) {
  return usePostChange(postId, ({ faceId, reason }: { faceId: number; reason: string }) =>
    unwrap(api.POST("/api/posts/{post_id}/faces/{face_id}/dispute", { params: { path: { post_id: postId, face_id: faceId } }, body: { reason } })),
  );
}

export function useBlur(postId: number) {
  return usePostChange(postId, (body: BlurBody) => unwrap(api.POST("/api/posts/{post_id}/blur", { ...path(postId), body })));
}

export function useAddFace(postId: number) {
  return usePostChange(postId, ({ imageId, box }: { imageId: number; box: Box }) =>
    unwrap(
      api.POST("/api/posts/{post_id}/images/{image_id}/faces", {
        params: { path: { post_id: postId, image_id: imageId } },
        body: { box: [...box] },
      }),
    ),
  );
}

export function useAddNote(postId: number) {
  return usePostChange(postId, (text: string) => unwrap(api.POST("/api/posts/{post_id}/notes", { ...path(postId), body: { text } })));
}

/** "Who is this?": search the school's register (any member of staff may look people up). */
export function usePeopleSearch(schoolId: number, search: string) {
  const term = search.trim();
  return useQuery({
    queryKey: ["posts", "people", schoolId, term],
    queryFn: async () => {
      const query: PeopleQuery = { search: term };
      return asPage(
        await unwrap(api.GET("/api/schools/{school_id}/people/status", { params: { path: { school_id: schoolId }, query } })),
      ).results;
    },
    enabled: term.length >= 2,
    staleTime: 30_000,
  });
}

/** Which channels the school can post to now (item 6): staff are offered only those. */
export function useSchoolChannels(schoolId: number | undefined) {
  return useQuery({
    queryKey: ["posts", "channels", schoolId],
    queryFn: () => unwrap(api.GET("/api/schools/{school_id}/channels", { params: { path: { school_id: schoolId ?? 0 } } })),
    enabled: schoolId !== undefined,
    staleTime: 60_000,
  });
}
