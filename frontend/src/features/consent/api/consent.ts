/**
 * The people register and consent: "may we publish?" look-ups (any member of staff), a
 * person's details and consent timeline (consent administrators, leaders, DSL), recording
 * decisions, evidence, reference photos, objections, safeguarding flags (DSL and leaders),
 * MIS imports, and the school's DPIA gate for face identification (R19).
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { paths } from "../../../client/schema";
import { api, multipart, unwrap } from "../../../lib/api";
import { asPage } from "../../../lib/pages";

type PersonPath = { params: { path: { person_id: number } } };
export type StatusRow = paths["/api/schools/{school_id}/people/status"]["get"]["responses"][200]["content"]["application/json"]["results"][number];
export type PersonRow = paths["/api/schools/{school_id}/people"]["get"]["responses"][200]["content"]["application/json"]["results"][number];
export type PersonQuery = NonNullable<paths["/api/schools/{school_id}/people"]["get"]["parameters"]["query"]>;
export type Decision = StatusRow["channels"][string][string];
export type RecordBody = NonNullable<paths["/api/people/{person_id}/consent"]["post"]["requestBody"]>["content"]["application/json"];
type ObjectionBody = NonNullable<paths["/api/people/{person_id}/objection"]["post"]["requestBody"]>["content"]["application/json"];
type FlagBody = NonNullable<paths["/api/people/{person_id}/flags"]["post"]["requestBody"]>["content"]["application/json"];
type EvidenceBody = NonNullable<paths["/api/people/{person_id}/evidence"]["post"]["requestBody"]>["content"]["multipart/form-data"];
type EnrolBody = NonNullable<paths["/api/people/{person_id}/enrolments"]["post"]["requestBody"]>["content"]["multipart/form-data"];
type ImportBody = NonNullable<paths["/api/schools/{school_id}/imports"]["post"]["requestBody"]>["content"]["multipart/form-data"];
type DpiaBody = NonNullable<paths["/api/schools/{school_id}/dpia"]["post"]["requestBody"]>["content"]["application/json"];
export type ImportRun = paths["/api/schools/{school_id}/imports/{import_id}"]["get"]["responses"][200]["content"]["application/json"];
export type PersonDetail = paths["/api/people/{person_id}"]["get"]["responses"][200]["content"]["application/json"];
export type PersonContact = PersonDetail["contacts"][number];
export type FlagKind = FlagBody["kind"];
export type Purpose = RecordBody["purposes"][number];

const person = (personId: number): PersonPath => ({ params: { path: { person_id: personId } } });
const school = (schoolId: number) => ({ params: { path: { school_id: schoolId } } });
const personKey = (personId: number) => ["consent", "person", personId] as const;

// --- look-ups -------------------------------------------------------------------------------

export function useStatusSearch(schoolId: number, search: string, page: number) {
  return useQuery({
    queryKey: ["consent", "status", schoolId, search, page],
    queryFn: async () => {
      const query: { search: string } & { page: number } = { search, page };
      return asPage(await unwrap(api.GET("/api/schools/{school_id}/people/status", { params: { path: { school_id: schoolId }, query } })));
    },
    placeholderData: keepPreviousData,
  });
}

export function usePeopleList(schoolId: number, filters: PersonQuery, page: number, enabled: boolean) {
  return useQuery({
    queryKey: ["consent", "people", schoolId, filters, page],
    queryFn: async () => {
      const query: PersonQuery & { page: number } = { ...filters, page };
      return asPage(await unwrap(api.GET("/api/schools/{school_id}/people", { params: { path: { school_id: schoolId }, query } })));
    },
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function usePersonStatus(personId: number) {
  return useQuery({
    queryKey: [...personKey(personId), "status"],
    queryFn: () => unwrap(api.GET("/api/people/{person_id}/status", person(personId))),
  });
}

export function usePerson(personId: number, enabled: boolean) {
  return useQuery({
    queryKey: [...personKey(personId), "detail"],
    queryFn: () => unwrap(api.GET("/api/people/{person_id}", person(personId))),
    enabled,
  });
}

export function useTimeline(personId: number, enabled: boolean) {
  return useQuery({
    queryKey: [...personKey(personId), "timeline"],
    queryFn: () => unwrap(api.GET("/api/people/{person_id}/consent", person(personId))),
    enabled,
  });
}

/** After a change to consent, every answer about this person may differ. */
function useInvalidatePerson(personId: number) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: personKey(personId) });
    void queryClient.invalidateQueries({ queryKey: ["consent", "status"] });
    void queryClient.invalidateQueries({ queryKey: ["consent", "people"] });
  };
}

export function useRecordConsent(personId: number) {
  const invalidate = useInvalidatePerson(personId);
  return useMutation({
    mutationFn: (body: RecordBody) => unwrap(api.POST("/api/people/{person_id}/consent", { ...person(personId), body })),
    onSuccess: invalidate,
  });
}

export function useUploadEvidence(personId: number) {
  return useMutation({
    mutationFn: (file: File) =>
      unwrap(api.POST("/api/people/{person_id}/evidence", { ...person(personId), body: multipart<EvidenceBody>({ file }) })),
  });
}

export function useObjection(personId: number) {
  const invalidate = useInvalidatePerson(personId);
  return useMutation({
    mutationFn: (body: ObjectionBody) => unwrap(api.POST("/api/people/{person_id}/objection", { ...person(personId), body })),
    onSuccess: invalidate,
  });
}

// --- the register: add a person, change details and contacts, leaving, subject access, erasure ---

export type NewPersonBody = NonNullable<paths["/api/schools/{school_id}/people"]["post"]["requestBody"]>["content"]["application/json"];
export type PersonChanges = NonNullable<paths["/api/people/{person_id}"]["patch"]["requestBody"]>["content"]["application/json"];
export type PersonKind = NonNullable<NewPersonBody["kind"]>;
export type Contact = paths["/api/people/{person_id}/contacts"]["get"]["responses"][200]["content"]["application/json"][number];
type NewContactBody = NonNullable<paths["/api/people/{person_id}/contacts"]["post"]["requestBody"]>["content"]["application/json"];
type ContactChanges = NonNullable<paths["/api/people/{person_id}/contacts/{contact_id}"]["patch"]["requestBody"]>["content"]["application/json"];

export function useAddPerson(schoolId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NewPersonBody) => unwrap(api.POST("/api/schools/{school_id}/people", { ...school(schoolId), body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["consent", "status"] });
      void queryClient.invalidateQueries({ queryKey: ["consent", "people"] });
    },
  });
}

export function useUpdatePerson(personId: number) {
  const invalidate = useInvalidatePerson(personId);
  return useMutation({
    mutationFn: (body: PersonChanges) => unwrap(api.PATCH("/api/people/{person_id}", { ...person(personId), body })),
    onSuccess: invalidate,
  });
}

export function useContacts(personId: number) {
  return useQuery({
    queryKey: [...personKey(personId), "contacts"],
    queryFn: () => unwrap(api.GET("/api/people/{person_id}/contacts", person(personId))),
  });
}

export function useAddContact(personId: number) {
  const invalidate = useInvalidatePerson(personId);
  return useMutation({
    mutationFn: (body: NewContactBody) => unwrap(api.POST("/api/people/{person_id}/contacts", { ...person(personId), body })),
    onSuccess: invalidate,
  });
}

export function useUpdateContact(personId: number) {
  const invalidate = useInvalidatePerson(personId);
  return useMutation({
    mutationFn: ({ contactId, ...body }: ContactChanges & { contactId: number }) =>
      unwrap(api.PATCH("/api/people/{person_id}/contacts/{contact_id}", { params: { path: { person_id: personId, contact_id: contactId } }, body })),
    onSuccess: invalidate,
  });
}

export function useLeave(personId: number) {
  const invalidate = useInvalidatePerson(personId);
  return useMutation({
    mutationFn: (leftOn: string | null) => unwrap(api.POST("/api/people/{person_id}/leave", { ...person(personId), body: { left_on: leftOn } })),
    onSuccess: invalidate,
  });
}

export function useErase(personId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (confirm: string) => unwrap(api.POST("/api/people/{person_id}/erase", { ...person(personId), body: { confirm } })),
    onSuccess: () => {
      // Nothing of theirs may linger in memory once they are erased.
      queryClient.removeQueries({ queryKey: personKey(personId) });
      void queryClient.invalidateQueries({ queryKey: ["consent", "status"] });
      void queryClient.invalidateQueries({ queryKey: ["consent", "people"] });
    },
  });
}

/** Subject access (R15): a ZIP of everything held about the person; the download is audited. */
export function exportUrl(personId: number): string {
  return `/api/people/${personId}/export`;
}

// --- reference photos (biometric enrolment) -------------------------------------------------

export function useEnrolments(personId: number, enabled: boolean) {
  return useQuery({
    queryKey: [...personKey(personId), "enrolments"],
    queryFn: () => unwrap(api.GET("/api/people/{person_id}/enrolments", person(personId))),
    enabled,
  });
}

export function useEnrol(personId: number) {
  const invalidate = useInvalidatePerson(personId);
  return useMutation({
    // face_points: where the administrator pointed at the person's face in each photo ("x,y"
    // as fractions of the picture), for photos that show several faces of similar size.
    mutationFn: ({ photos, facePoints }: { photos: File[]; facePoints?: string[] }) =>
      unwrap(
        api.POST("/api/people/{person_id}/enrolments", {
          ...person(personId),
          body: multipart<EnrolBody>({ photos, face_points: facePoints }),
        }),
      ),
    onSuccess: invalidate,
  });
}

export function useDeleteEnrolment(personId: number) {
  const invalidate = useInvalidatePerson(personId);
  return useMutation({
    mutationFn: (enrolmentId: number) =>
      unwrap(api.DELETE("/api/people/{person_id}/enrolments/{enrolment_id}", { params: { path: { person_id: personId, enrolment_id: enrolmentId } } })),
    onSuccess: invalidate,
  });
}

// --- safeguarding flags (R16; DSL and leaders) ------------------------------------------------

export function useFlags(personId: number, enabled: boolean) {
  return useQuery({
    queryKey: [...personKey(personId), "flags"],
    queryFn: () => unwrap(api.GET("/api/people/{person_id}/flags", person(personId))),
    enabled,
  });
}

export function useAddFlag(personId: number) {
  const invalidate = useInvalidatePerson(personId);
  return useMutation({
    mutationFn: (body: FlagBody) => unwrap(api.POST("/api/people/{person_id}/flags", { ...person(personId), body })),
    onSuccess: invalidate,
  });
}

export function useEndFlag(personId: number) {
  const invalidate = useInvalidatePerson(personId);
  return useMutation({
    mutationFn: (flagId: number) =>
      unwrap(api.POST("/api/people/{person_id}/flags/{flag_id}/end", { params: { path: { person_id: personId, flag_id: flagId } } })),
    onSuccess: invalidate,
  });
}

// --- MIS import -------------------------------------------------------------------------------

export function useImports(schoolId: number) {
  return useQuery({
    queryKey: ["consent", "imports", schoolId],
    queryFn: async () => asPage(await unwrap(api.GET("/api/schools/{school_id}/imports", school(schoolId)))),
  });
}

/** What each column of the MIS CSV holds; it never changes while the page is open. */
export function useImportColumns(schoolId: number) {
  return useQuery({
    queryKey: ["consent", "imports", schoolId, "columns"],
    queryFn: () => unwrap(api.GET("/api/schools/{school_id}/imports/columns", school(schoolId))),
    staleTime: Infinity,
  });
}

/** A CSV with only the header row the import reads (a plain download link). */
export function importTemplateUrl(schoolId: number): string {
  return `/api/schools/${schoolId}/imports/template`;
}

export function useImportRun(schoolId: number, importId: number) {
  return useQuery({
    queryKey: ["consent", "imports", schoolId, importId],
    queryFn: () =>
      unwrap(api.GET("/api/schools/{school_id}/imports/{import_id}", { params: { path: { school_id: schoolId, import_id: importId } } })),
  });
}

export function useRunImport(schoolId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ file, fullRoll }: { file: File; fullRoll: boolean }) =>
      unwrap(api.POST("/api/schools/{school_id}/imports", { ...school(schoolId), body: multipart<ImportBody>({ file, full_roll: fullRoll }) })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["consent"] });
    },
  });
}

// --- DPIA gate (R19) --------------------------------------------------------------------------

export function useDpia(schoolId: number) {
  return useQuery({
    queryKey: ["consent", "dpia", schoolId],
    queryFn: () => unwrap(api.GET("/api/schools/{school_id}/dpia", school(schoolId))),
  });
}

export function useRecordDpia(schoolId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: DpiaBody) => unwrap(api.POST("/api/schools/{school_id}/dpia", { ...school(schoolId), body })),
    onSuccess: (data) => queryClient.setQueryData(["consent", "dpia", schoolId], data),
  });
}

export function useClearDpia(schoolId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/schools/{school_id}/dpia", school(schoolId))),
    onSuccess: (data) => queryClient.setQueryData(["consent", "dpia", schoolId], data),
  });
}
