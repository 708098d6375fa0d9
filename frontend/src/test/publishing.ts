/** A school's publishing policy as GET /api/schools/{id}/publishing sends it, for tests. */
import type { Publishing } from "../features/queue/api/queue";

export const POLICY: Publishing = {
  school: 1,
  approvals_required: 1,
  approvals_required_identifiable_pupils: 1,
  dsl_clearance_required: false,
  daily_digest: false,
  adult_tags_need_leader_confirmation: false,
  published_long_side: 1280,
  published_long_side_is_default: true,
  close_up_faces_block: false,
  paused_at: null,
  pause_reason: "",
};
