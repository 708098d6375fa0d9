/** What publishing a post on X will cost (pay-per-use since February 2026), before approval. */
import { useQuery } from "@tanstack/react-query";
import type { paths } from "../../../client/schema";
import { api, unwrap } from "../../../lib/api";

export type XCostEstimate = paths["/api/posts/{post_id}/x-cost"]["get"]["responses"][200]["content"]["application/json"];

export function useXCostEstimate(postId: number, enabled: boolean) {
  return useQuery({
    queryKey: ["posts", postId, "x-cost"],
    queryFn: () => unwrap(api.GET("/api/posts/{post_id}/x-cost", { params: { path: { post_id: postId } } })),
    enabled,
    retry: false,
  });
}
