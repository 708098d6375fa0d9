/**
 * What a school does after abuse appears online (issue 18): the report pack for each
 * platform, the record of reports and their outcomes, the letter inviting a parent to a
 * meeting, mentions of the school found elsewhere, and what X costs. The server scopes all
 * of it like the comment it belongs to (R13).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { paths } from "../../../client/schema";
import { api, unwrap } from "../../../lib/api";
import { asPage } from "../../../lib/pages";

export type ReportPackSet = paths["/api/comments/{comment_id}/report-pack"]["get"]["responses"][200]["content"]["application/json"];
export type PlatformPack = ReportPackSet["packs"][number];
export type CaseProcedures = paths["/api/comments/{comment_id}/procedures"]["get"]["responses"][200]["content"]["application/json"];
export type PlatformReport = CaseProcedures["reports"][number];
export type ParentLetter = CaseProcedures["letters"][number];
export type ReportBody = paths["/api/comments/{comment_id}/platform-reports"]["post"]["requestBody"]["content"]["application/json"];
export type OutcomeBody = paths["/api/platform-reports/{report_id}/outcome"]["post"]["requestBody"]["content"]["application/json"];
export type LetterBody = paths["/api/comments/{comment_id}/parent-letters"]["post"]["requestBody"]["content"]["application/json"];
export type Mention = paths["/api/mentions"]["get"]["responses"][200]["content"]["application/json"][number];
export type XCosts = paths["/api/schools/{school_id}/x-costs"]["get"]["responses"][200]["content"]["application/json"];
export type XCostsBody = NonNullable<paths["/api/schools/{school_id}/x-costs"]["put"]["requestBody"]>["content"]["application/json"];
export type MentionWatch = paths["/api/schools/{school_id}/mention-watch"]["get"]["responses"][200]["content"]["application/json"];
export type MentionWatchBody = NonNullable<paths["/api/schools/{school_id}/mention-watch"]["put"]["requestBody"]>["content"]["application/json"];

const caseKey = (id: number) => ["procedures", "case", id] as const;
const commentPath = (id: number) => ({ params: { path: { comment_id: id } } });
const letterPath = (id: number) => ({ params: { path: { letter_id: id } } });

export function useCaseProcedures(commentId: number) {
  return useQuery({ queryKey: caseKey(commentId), queryFn: () => unwrap(api.GET("/api/comments/{comment_id}/procedures", commentPath(commentId))) });
}

/** Opening the pack is a view of evidence (audited): only when someone asks for it. */
export function useReportPack(commentId: number, enabled: boolean) {
  return useQuery({
    queryKey: [...caseKey(commentId), "pack"],
    queryFn: () => unwrap(api.GET("/api/comments/{comment_id}/report-pack", commentPath(commentId))),
    enabled,
    staleTime: Infinity,
  });
}

function useCaseChange<V, R>(commentId: number, call: (vars: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: caseKey(commentId) });
      void queryClient.invalidateQueries({ queryKey: ["comments", "detail", commentId] });
    },
  });
}

export function useRecordReport(commentId: number) {
  return useCaseChange(commentId, (body: ReportBody) => unwrap(api.POST("/api/comments/{comment_id}/platform-reports", { ...commentPath(commentId), body })));
}

export function useRecordOutcome(commentId: number) {
  return useCaseChange(commentId, ({ reportId, body }: { reportId: number; body: OutcomeBody }) =>
    unwrap(api.POST("/api/platform-reports/{report_id}/outcome", { params: { path: { report_id: reportId } }, body })),
  );
}

export function useDraftLetter(commentId: number) {
  return useCaseChange(commentId, (body: LetterBody) => unwrap(api.POST("/api/comments/{comment_id}/parent-letters", { ...commentPath(commentId), body })));
}

export function useEditLetter(commentId: number) {
  return useCaseChange(commentId, ({ letterId, subject, body }: { letterId: number; subject: string; body: string }) =>
    unwrap(api.PATCH("/api/parent-letters/{letter_id}", { ...letterPath(letterId), body: { subject, body } })),
  );
}

export function useSendLetter(commentId: number) {
  return useCaseChange(commentId, (letterId: number) => unwrap(api.POST("/api/parent-letters/{letter_id}/send", letterPath(letterId))));
}

export function letterPdfUrl(letterId: number): string {
  return `/api/parent-letters/${letterId}/pdf`;
}

// --- the dashboard: mentions of the school, and X costs per school ---

const mentionsKey = ["procedures", "mentions"] as const;

export function useMentions() {
  return useQuery({ queryKey: mentionsKey, queryFn: () => unwrap(api.GET("/api/mentions", { params: { query: { state: "new" } } })), refetchInterval: 120_000 });
}

export function useMentionAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ mentionId, action }: { mentionId: number; action: "capture" | "dismiss" }) => {
      const params = { params: { path: { mention_id: mentionId } } };
      return action === "capture" ? unwrap(api.POST("/api/mentions/{mention_id}/capture", params)) : unwrap(api.POST("/api/mentions/{mention_id}/dismiss", params));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mentionsKey }),
  });
}

const schoolPath = (id: number) => ({ params: { path: { school_id: id } } });

export function useXCosts(schoolId: number) {
  return useQuery({ queryKey: ["procedures", "x-costs", schoolId], queryFn: () => unwrap(api.GET("/api/schools/{school_id}/x-costs", schoolPath(schoolId))) });
}

export function useSaveXCosts(schoolId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: XCostsBody) => unwrap(api.PUT("/api/schools/{school_id}/x-costs", { ...schoolPath(schoolId), body })),
    onSuccess: (data) => queryClient.setQueryData(["procedures", "x-costs", schoolId], data),
  });
}

export function useMentionWatch(schoolId: number) {
  return useQuery({ queryKey: ["procedures", "watch", schoolId], queryFn: () => unwrap(api.GET("/api/schools/{school_id}/mention-watch", schoolPath(schoolId))) });
}

export function useSaveMentionWatch(schoolId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: MentionWatchBody) => unwrap(api.PUT("/api/schools/{school_id}/mention-watch", { ...schoolPath(schoolId), body })),
    onSuccess: (data) => queryClient.setQueryData(["procedures", "watch", schoolId], data),
  });
}

// --- matching the author to a parent on the register (leaders and the DSL only) ---

export type RegisterPupil = paths["/api/schools/{school_id}/people"]["get"]["responses"][200]["content"]["application/json"]["results"][number];
export type RegisterContact = paths["/api/people/{person_id}/contacts"]["get"]["responses"][200]["content"]["application/json"][number];

export function usePupilSearch(schoolId: number, search: string) {
  return useQuery({
    queryKey: ["procedures", "pupils", schoolId, search],
    queryFn: async () => {
      const query = { search, kind: "pupil" as const, on_roll: true };
      const found = await unwrap(api.GET("/api/schools/{school_id}/people", { params: { path: { school_id: schoolId }, query } }));
      return asPage(found).results;
    },
    enabled: search.trim().length >= 2,
  });
}

export function usePupilContacts(personId: number | null) {
  return useQuery({
    queryKey: ["procedures", "contacts", personId],
    queryFn: () => unwrap(api.GET("/api/people/{person_id}/contacts", { params: { path: { person_id: personId ?? 0 } } })),
    enabled: personId !== null,
  });
}
