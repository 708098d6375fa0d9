/** Posts as the API sends them, for tests: override what the test is about. */
import type { PostDetail } from "../lib/post";

export const HASH = "a".repeat(64);

type Face = PostDetail["images"][number]["faces"][number];
type Image = PostDetail["images"][number];

export function face(extra: Partial<Face> = {}): Face {
  return { id: 5, box: [100, 300, 200, 200], source: "detected", identifiable: true, person: null, person_label: null, distance: null, tag: "", tagged_by_name: null, adult_confirmed_by_name: null, disputes: [], blurred: false, ...extra };
}

export function image(extra: Partial<Image> = {}): Image {
  const id = extra.id ?? 31;
  return {
    id,
    position: 0,
    alt_text: "Year 4 in the garden",
    width: 800,
    height: 600,
    large_width: 800,
    large_height: 600,
    detected_at: "2026-11-03T10:01:00Z",
    faces: [],
    urls: { large: `/api/posts/12/images/${id}/file/large`, medium: `/api/posts/12/images/${id}/file/medium`, thumb: `/api/posts/12/images/${id}/file/thumb` },
    ...extra,
  };
}

export function post(extra: Partial<PostDetail> = {}): PostDetail {
  return {
    id: 12,
    school: 1,
    status: "draft",
    status_reason: "",
    text: "Year 4 planted trees today.",
    channels: ["website"],
    scheduled_at: null,
    author: 7,
    author_name: "Sam Teacher",
    has_identifiable_faces: false,
    has_identifiable_pupils: false,
    image_count: 0,
    version: 1,
    created_at: "2026-11-03T10:00:00Z",
    updated_at: "2026-11-03T10:00:00Z",
    submitted_at: null,
    images: [],
    content_hash: HASH,
    check_run: null,
    approvals: [],
    notes: [],
    ...extra,
  };
}

type CheckRunOutput = NonNullable<PostDetail["check_run"]>;
type FindingOutput = CheckRunOutput["findings"][number];
type FaceCheckOutput = CheckRunOutput["faces"][number];

/** A face as the check saw it: override what the test is about. */
export function faceCheck(extra: Partial<FaceCheckOutput> = {}): FaceCheckOutput {
  return {
    image: 31,
    face_id: 5,
    box: [100, 300, 200, 200],
    identifiable: true,
    source: "detected",
    person_id: null,
    distance: null,
    match_reason: null,
    tag: "",
    blurred: false,
    flagged: false,
    consent: {},
    ...extra,
  };
}

/** A check run as moderation/checks/evaluate.py writes it. */
export function checkRun(findings: FindingOutput[], faces: FaceCheckOutput[] = [], verdict: CheckRunOutput["verdict"] = "needs_tagging"): CheckRunOutput {
  return { id: 40, verdict, findings, faces, created_at: "2026-11-03T10:02:00Z", content_hash: HASH };
}

export const UNIDENTIFIED_FINDING: FindingOutput = {
  rule: "R2",
  severity: "tag",
  message: "A face in this photo is not identified. Tag who it is, mark it as an adult whose consent is on file, or blur it.",
  image: 31,
  face_id: 5,
  box: [100, 300, 200, 200],
  remedies: ["tag", "blur", "not_a_face"],
};

export const NO_FACE_FINDING: FindingOutput = {
  rule: "R20",
  severity: "confirm",
  message:
    "No identifiable face is left in this photo (none was found, or every face is blurred or dismissed). Before approving, a leader must confirm that nobody identifiable is in it, or add a face box by hand.",
  image: 31,
  remedies: ["confirm_no_identifiable_faces", "add_face"],
};

export function page<T>(results: T[]) {
  return { count: results.length, next: null, previous: null, results };
}
