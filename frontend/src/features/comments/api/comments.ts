/**
 * The comment moderation dashboard (R11-R13): held and escalated comments, decisions
 * (approve, keep hidden, delete, block the author, report), evidence capture and the second
 * person's countersignature, bulk actions, assignment and notes. Escalated comments reach
 * only the DSL and the head teacher (R13): the API answers 404 to anyone else.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { components, paths } from "../../../client/schema";
import { api, unwrap } from "../../../lib/api";
import { asPage } from "../../../lib/pages";

export type CommentQuery = NonNullable<paths["/api/comments"]["get"]["parameters"]["query"]>;
export type CommentRow = paths["/api/comments"]["get"]["responses"][200]["content"]["application/json"]["results"][number];
export type CommentDetail = paths["/api/comments/{comment_id}"]["get"]["responses"][200]["content"]["application/json"];
export type CommentAction = CommentDetail["actions"][number];
export type BulkBody = NonNullable<paths["/api/comments/bulk"]["post"]["requestBody"]>["content"]["application/json"];
export type BulkAction = BulkBody["action"];
export type EvidenceRecord = paths["/api/evidence/{evidence_id}"]["get"]["responses"][200]["content"]["application/json"];
export type Decision = "approve" | "keep-hidden" | "delete" | "block-author";

const listKey = ["comments", "list"] as const;
const detailKey = (id: number) => ["comments", "detail", id] as const;
const path = (id: number) => ({ params: { path: { comment_id: id } } });

export function useComments(query: CommentQuery, page: number) {
  return useQuery({
    queryKey: [...listKey, query, page],
    queryFn: async () => {
      const params: CommentQuery & { page: number } = { ...query, page };
      return asPage(await unwrap(api.GET("/api/comments", { params: { query: params } })));
    },
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

export function useComment(id: number) {
  return useQuery({ queryKey: detailKey(id), queryFn: () => unwrap(api.GET("/api/comments/{comment_id}", path(id))) });
}

function useCommentChange<V>(id: number, call: (vars: V) => Promise<CommentDetail>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: (comment) => {
      queryClient.setQueryData(detailKey(id), comment);
      void queryClient.invalidateQueries({ queryKey: listKey });
    },
  });
}

export function useDecide(id: number) {
  return useCommentChange(id, ({ decision, note }: { decision: Decision; note: string }) => {
    const body = { body: { note }, ...path(id) };
    switch (decision) {
      case "approve":
        return unwrap(api.POST("/api/comments/{comment_id}/approve", body));
      case "keep-hidden":
        return unwrap(api.POST("/api/comments/{comment_id}/keep-hidden", body));
      case "delete":
        return unwrap(api.POST("/api/comments/{comment_id}/delete", body));
      case "block-author":
        return unwrap(api.POST("/api/comments/{comment_id}/block-author", body));
    }
  });
}

export function useReport(id: number) {
  return useCommentChange(id, (body: { reference: string; note: string }) =>
    unwrap(api.POST("/api/comments/{comment_id}/report", { ...path(id), body })),
  );
}

export function useAssign(id: number) {
  return useCommentChange(id, (assignee: number | null) => unwrap(api.POST("/api/comments/{comment_id}/assign", { ...path(id), body: { assignee } })));
}

export function useCommentNotes(id: number) {
  return useQuery({ queryKey: [...detailKey(id), "notes"], queryFn: () => unwrap(api.GET("/api/comments/{comment_id}/notes", path(id))) });
}

export function useAddCommentNote(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (text: string) => unwrap(api.POST("/api/comments/{comment_id}/notes", { ...path(id), body: { text } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: detailKey(id) }),
  });
}

export function useReply(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (text: string) => unwrap(api.POST("/api/comments/{comment_id}/reply", { ...path(id), body: { text } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: detailKey(id) }),
  });
}

export function useBulk() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BulkBody) => unwrap(api.POST("/api/comments/bulk", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["comments"] }),
  });
}

// --- evidence (R12) --------------------------------------------------------------------------

export function useCaptureEvidence(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/comments/{comment_id}/evidence", path(id))),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: detailKey(id) }),
  });
}

/** Reading a record is audited (R14): only when someone asks to see it. */
export function useEvidenceRecord(evidenceId: number, enabled: boolean) {
  return useQuery({
    queryKey: ["comments", "evidence", evidenceId],
    queryFn: () => unwrap(api.GET("/api/evidence/{evidence_id}", { params: { path: { evidence_id: evidenceId } } })),
    enabled,
    staleTime: Infinity,
  });
}

export function useCountersign(commentId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (evidenceId: number) =>
      unwrap(api.POST("/api/evidence/{evidence_id}/countersign", { params: { path: { evidence_id: evidenceId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: detailKey(commentId) }),
  });
}

export function exportUrl(evidenceId: number, as: "json" | "pdf"): string {
  return `/api/evidence/${evidenceId}/export?as=${as}`;
}

// --- generated shapes: a comment's screening labels and its evidence summaries ---------------

export type CommentLabel = components["schemas"]["CommentLabel"];
export type CommentEvidenceSummary = components["schemas"]["CommentEvidenceSummary"];

/** Where the labels fired, as `HighlightedText` marks them (code points, as sent). */
export function labelSpans(labels: CommentLabel[]): Array<[number, number]> {
  return labels.flatMap((label): Array<[number, number]> => {
    const [start, end] = label.span ?? [];
    return start !== undefined && end !== undefined ? [[start, end]] : [];
  });
}

/** One kind of harm a comment was held for, however many times the screeners found it. */
export interface LabelGroup {
  label: string;
  /** The surest of its findings, 0 to 1. */
  score: number;
  /** Each different reason given, once. */
  reasons: string[];
}

/**
 * The labels grouped by kind, surest first: a comment with an email, a phone number and a
 * postcode is held for "Personal details" once, not three times.
 */
export function labelGroups(labels: CommentLabel[]): LabelGroup[] {
  const groups = new Map<string, LabelGroup>();
  for (const { label, score, reason } of labels) {
    const group = groups.get(label) ?? { label, score, reasons: [] };
    group.score = Math.max(group.score, score);
    const why = reason?.trim();
    if (why && !group.reasons.includes(why)) group.reasons.push(why);
    groups.set(label, group);
  }
  return [...groups.values()].sort((a, b) => b.score - a.score);
}

// --- the school's screening settings (leaders change them; the DSL reads them) ---------------

type ScreeningBody = NonNullable<paths["/api/schools/{school_id}/screening"]["put"]["requestBody"]>["content"]["application/json"];
type PreviewBody = NonNullable<paths["/api/schools/{school_id}/screening/preview"]["post"]["requestBody"]>["content"]["application/json"];
export type ScreeningOutput = paths["/api/schools/{school_id}/screening"]["get"]["responses"][200]["content"]["application/json"];

const screeningKey = (schoolId: number) => ["comments", "screening", schoolId] as const;
const school = (schoolId: number) => ({ params: { path: { school_id: schoolId } } });

export function useScreening(schoolId: number) {
  return useQuery({ queryKey: screeningKey(schoolId), queryFn: () => unwrap(api.GET("/api/schools/{school_id}/screening", school(schoolId))) });
}

export function useSaveScreening(schoolId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ScreeningBody) => unwrap(api.PUT("/api/schools/{school_id}/screening", { ...school(schoolId), body })),
    onSuccess: (saved) => queryClient.setQueryData(screeningKey(schoolId), saved),
  });
}

export function useScreeningPreview(schoolId: number) {
  return useMutation({
    mutationFn: (body: PreviewBody) => unwrap(api.POST("/api/schools/{school_id}/screening/preview", { ...school(schoolId), body })),
  });
}

/** The settings as the screens use them (camelCase; `effectiveThresholds` fills in defaults). */
export interface ScreeningSettings {
  thresholds: Record<string, number>;
  effectiveThresholds: Record<string, number>;
  labels: string[];
  blockedWords: string[];
  allowedWords: string[];
  staffNames: string[];
  allowedDomains: string[];
  fetchChannels: string[];
  updatedAt: string | undefined;
}

export function screeningSettings(output: ScreeningOutput): ScreeningSettings {
  return {
    thresholds: output.thresholds,
    effectiveThresholds: output.effective_thresholds,
    labels: output.labels,
    blockedWords: output.blocked_words,
    allowedWords: output.allowed_words,
    staffNames: output.staff_names,
    allowedDomains: output.allowed_domains,
    fetchChannels: output.fetch_channels,
    updatedAt: output.updated_at,
  };
}

// --- learning from moderators (issue 15) -----------------------------------------------------

export type ReclassifyBody = NonNullable<paths["/api/comments/{comment_id}/reclassify"]["post"]["requestBody"]>["content"]["application/json"];
export type SensitivityOutput = paths["/api/schools/{school_id}/screening/sensitivity"]["get"]["responses"][200]["content"]["application/json"];
export type Sensitivity = SensitivityOutput["sensitivity"];

/** "Reclassify": this comment was ordinary (no labels) or harmful with these labels. */
export function useReclassify(id: number) {
  return useMutation({
    mutationFn: (body: ReclassifyBody) => unwrap(api.POST("/api/comments/{comment_id}/reclassify", { ...path(id), body })),
  });
}

const sensitivityKey = (schoolId: number) => ["comments", "screening", schoolId, "sensitivity"] as const;

export function useSensitivity(schoolId: number) {
  return useQuery({
    queryKey: sensitivityKey(schoolId),
    queryFn: () => unwrap(api.GET("/api/schools/{school_id}/screening/sensitivity", school(schoolId))),
  });
}

export function useSaveSensitivity(schoolId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sensitivity: Sensitivity) =>
      unwrap(api.PUT("/api/schools/{school_id}/screening/sensitivity", { ...school(schoolId), body: { sensitivity } })),
    onSuccess: (saved) => queryClient.setQueryData(sensitivityKey(schoolId), saved),
  });
}
