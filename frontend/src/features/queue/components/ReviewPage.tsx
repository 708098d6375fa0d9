import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link, useParams } from "react-router";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Flash } from "../../../components/Flash";
import { Icon } from "../../../components/Icon";
import { Loading } from "../../../components/Loading";
import { Page } from "../../../components/Page";
import { FaceList, faceNote } from "../../../components/post/FaceList";
import { FindingList } from "../../../components/post/FindingList";
import { HighlightedText } from "../../../components/post/HighlightedText";
import { NoteThread } from "../../../components/post/NoteThread";
import { PhotoFaces, type FaceMark } from "../../../components/post/PhotoFaces";
import { PostStatusPanel } from "../../../components/post/PostStatusPanel";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import {
  CHANNEL_LABELS,
  checkRunView,
  notesView,
  faceChecksById,
  faceState,
  imageSrc,
  postChannels,
  PUBLISHED_STATUSES,
  statusMeta,
  type Box,
  type PostDetail,
  type PublishingSlot,
} from "../../../lib/post";
import { markPostSeen, queuePostKey, useAddNote, usePublishing, useQueuePost } from "../api/queue";
import { DecisionPanel } from "./DecisionPanel";
import { DiffPanel } from "./DiffPanel";
import { FaceReviewActions } from "./FaceReviewActions";
import { HistoryPanel } from "./HistoryPanel";

/** One post for a leader: everything the checks found, every face, what changed, and the decision. */
export function ReviewPage({ userId, publishing }: { userId: number; publishing?: PublishingSlot | undefined }) {
  const { postId } = useParams();
  const id = Number(postId);
  const post = useQueuePost(id);
  if (post.isPending) return <Loading />;
  if (post.isError) {
    return (
      <Page title="Review post">
        <ErrorSummary messages={errorMessages(post.error).top} />
        <Link to="/queue">Back to the queue</Link>
      </Page>
    );
  }
  return <ReviewScreen key={id} post={post.data} userId={userId} publishing={publishing} />;
}

function ReviewScreen({ post, userId, publishing }: { post: PostDetail; userId: number; publishing: PublishingSlot | undefined }) {
  const queryClient = useQueryClient();
  const since = useSeenBefore(post);
  const [flash, setFlash] = useState<{ message: string | null; stamp: number }>({ message: null, stamp: 0 });
  const policy = usePublishing(post.school);
  const note = useAddNote(post.id);

  const channels = postChannels(post);
  const run = checkRunView(post.check_run);
  const checks = faceChecksById(run);
  const findings = run?.findings ?? [];
  const words = (post.text ?? "").trim().split(/\s+/).filter(Boolean);
  const title = words.length ? `Review: ${words.slice(0, 6).join(" ")}${words.length > 6 ? "…" : ""}` : `Review post ${post.id}`;
  const meta = statusMeta(post.status);

  return (
    <Page title={title}>
      <p>
        <Link to="/queue">Back to the queue</Link>
      </p>
      <PostStatusPanel status={post.status} reason={post.status_reason} audience="leader" findings={findings} />
      <Flash message={flash.message} stamp={flash.stamp} />
      {publishing && PUBLISHED_STATUSES.includes(post.status ?? "")
        ? publishing(post, () => void queryClient.invalidateQueries({ queryKey: queuePostKey(post.id) }))
        : null}

      <dl className="facts panel">
        <dt>Author</dt>
        <dd>{post.author_name}</dd>
        <dt>Channels</dt>
        <dd>{channels.map((c) => CHANNEL_LABELS[c]).join(", ")}</dd>
        <dt>Publish</dt>
        <dd>{post.scheduled_at ? formatDateTime(post.scheduled_at) : "As soon as approved"}</dd>
        <dt>Sent</dt>
        <dd>{formatDateTime(post.submitted_at)}</dd>
        <dt>Pupils</dt>
        <dd>
          {post.has_identifiable_pupils ? (
            <span className="tag-label">
              <Icon name="alert" /> Shows identifiable pupils
            </span>
          ) : (
            "No identifiable pupils"
          )}
        </dd>
        <dt>Version</dt>
        <dd>{post.version}</dd>
      </dl>

      {since !== null && post.version !== undefined && since < post.version ? <DiffPanel post={post} since={since} /> : null}

      <section className="panel" aria-labelledby="text-heading">
        <h2 id="text-heading">Text</h2>
        {post.text ? (
          <HighlightedText text={post.text} spans={findings.filter((f) => f.field === "text" && f.span).map((f) => f.span as [number, number])} />
        ) : (
          <p className="hint">No text.</p>
        )}
      </section>

      <section className="panel" aria-labelledby="findings-heading">
        <h2 id="findings-heading">What the checks found</h2>
        {run ? (
          <>
            <p className="hint">
              Checked {formatDateTime(run.createdAt)}. Verdict: {run.verdict === "ready" ? "ready for approval" : run.verdict.replace("_", " ")}.
            </p>
            <FindingList post={post} findings={findings} showRuleCodes />
          </>
        ) : (
          <p>Not checked yet.</p>
        )}
      </section>

      <section aria-labelledby="photos-heading" className="photos">
        <h2 id="photos-heading">Photos ({post.images.length})</h2>
        <div className="photo-grid">
          {post.images.map((image, index) => {
            const marks: FaceMark[] = image.faces.flatMap((face, i) =>
              face.box.length === 4
                ? [
                    {
                      id: face.id,
                      box: face.box as Box,
                      number: i + 1,
                      tone: faceState(face, checks.get(face.id), channels).tone,
                      note: faceNote(face, checks.get(face.id), channels),
                    },
                  ]
                : [],
            );
            return (
              <article key={image.id} className="photo-card panel" aria-label={`Photo ${index + 1}`}>
                <h3>Photo {index + 1}</h3>
                <PhotoFaces
                  src={imageSrc(image, "medium", post)}
                  alt={image.alt_text?.trim() ? image.alt_text : `Photo ${index + 1} (no description)`}
                  width={image.width}
                  height={image.height}
                  faces={marks}
                  enlarge={{ src: imageSrc(image, "large", post), title: `Photo ${index + 1}` }}
                />
                <h4 className="small-heading">Faces</h4>
                <FaceList
                  image={image}
                  checks={checks}
                  channels={channels}
                  actions={(faceId) => {
                    const face = image.faces.find((f) => f.id === faceId);
                    return face ? (
                      <FaceReviewActions
                        postId={post.id}
                        face={face}
                        where={`face ${image.faces.indexOf(face) + 1} in photo ${index + 1}`}
                        userId={userId}
                        adultTagsNeedConfirmation={policy.data?.adult_tags_need_leader_confirmation ?? false}
                        onDone={(message) => setFlash((previous) => ({ message, stamp: previous.stamp + 1 }))}
                      />
                    ) : null;
                  }}
                />
                <h4 className="small-heading">Description</h4>
                {image.alt_text ? (
                  <HighlightedText
                    text={image.alt_text}
                    spans={findings.filter((f) => f.field === `alt_text:${image.id}` && f.span).map((f) => f.span as [number, number])}
                    className="alt-text"
                  />
                ) : (
                  <p className="hint">No description.</p>
                )}
              </article>
            );
          })}
        </div>
      </section>

      {post.status === "awaiting_approval" ? (
        <DecisionPanel
          post={post}
          userId={userId}
          policy={policy.data}
          onDone={(message) => setFlash((previous) => ({ message, stamp: previous.stamp + 1 }))}
        />
      ) : (
        <p className="notice">
          Nothing to decide now: this post is <strong>{meta.label.toLowerCase()}</strong>.
        </p>
      )}

      <NoteThread
        notes={notesView(post.notes)}
        onSend={(text, clear) => note.mutate(text, { onSuccess: clear })}
        sending={note.isPending}
        error={errorMessages(note.error, ["text"]).fields.text ?? errorMessages(note.error).top}
      />
      <HistoryPanel postId={post.id} />
    </Page>
  );
}

/**
 * The version this leader had seen before opening the post (on any device: the server keeps
 * it), asked once; each version shown from then on is recorded as seen. A refusal (not a
 * reviewer of this school) only means there is nothing to compare with.
 */
function useSeenBefore(post: PostDetail): number | null {
  const [since, setSince] = useState<number | null>(null);
  const recorded = useRef<number | null>(null);
  useEffect(() => {
    if (post.version === undefined || recorded.current === post.version) return;
    const first = recorded.current === null;
    recorded.current = post.version;
    markPostSeen(post.id).then(
      (answer) => {
        if (first) setSince(answer.previous_version ?? null);
      },
      () => undefined,
    );
  }, [post.id, post.version]);
  return since;
}
