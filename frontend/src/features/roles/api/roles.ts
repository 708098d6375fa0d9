/**
 * Who holds which role at a school, and who is the head teacher: the head teacher and the
 * designated safeguarding lead alone see comments escalated to safeguarding (R13). Trust
 * administrators only.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { paths } from "../../../client/schema";
import { api, unwrap } from "../../../lib/api";

type MembershipsPath = paths["/api/schools/{school_id}/memberships"];
export type Membership = MembershipsPath["get"]["responses"][200]["content"]["application/json"][number];

const membershipsKey = (schoolId: number) => ["memberships", schoolId] as const;

export function useMemberships(schoolId: number) {
  return useQuery({
    queryKey: membershipsKey(schoolId),
    queryFn: () =>
      unwrap(api.GET("/api/schools/{school_id}/memberships", { params: { path: { school_id: schoolId } } })),
  });
}

export function useSetHeadTeacher(schoolId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ membershipId, isHeadTeacher }: { membershipId: number; isHeadTeacher: boolean }) =>
      unwrap(
        api.POST("/api/schools/{school_id}/memberships/{membership_id}/head-teacher", {
          params: { path: { school_id: schoolId, membership_id: membershipId } },
          body: { is_head_teacher: isHeadTeacher },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membershipsKey(schoolId) }),
  });
}

/** Lift a member's sign-in lock-out before its cool-off ends (audited). */
export function useUnlockSignIn(schoolId: number) {
  return useMutation({
    mutationFn: ({ membershipId }: { membershipId: number }) =>
      unwrap(
        api.POST("/api/schools/{school_id}/memberships/{membership_id}/unlock", {
          params: { path: { school_id: schoolId, membership_id: membershipId } },
        }),
      ),
  });
}
