import { useQueryClient } from "@tanstack/react-query";
import { useState, type ReactElement } from "react";
import { Link, useLocation, useParams } from "react-router";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Flash } from "../../../components/Flash";
import { Loading } from "../../../components/Loading";
import { Page } from "../../../components/Page";
import { FindingList } from "../../../components/post/FindingList";
import { HighlightedText } from "../../../components/post/HighlightedText";
import { NoteThread } from "../../../components/post/NoteThread";
import { PostStatusPanel } from "../../../components/post/PostStatusPanel";
import { UnsavedChangesGuard } from "../../../components/UnsavedChangesGuard";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import {
  CHANNEL_LABELS,
  channelLabel,
  CHECKING_STATUSES,
  checkRunView,
  notesView,
  EDITABLE_STATUSES,
  faceChecksById,
  faceNumber,
  faceState,
  findingPlace,
  isChannel,
  postChannels,
  PUBLISHED_STATUSES,
  spanToUtf16,
  statusMeta,
  type Finding,
  type PostDetail,
  type PublishingSlot,
} from "../../../lib/post";
import { postKey, useAddNote, useBlur, useEditPost, usePost, useSubmitPost, useTagFace } from "../api/posts";
import { AddPhotoForm } from "./AddPhotoForm";
import { PhotoCard, type PhotoMode } from "./PhotoCard";
import { EditForm, type Editor } from "./EditForm";
import { overLimit, postBody, toLocalInput, type PostFieldsValue } from "./PostFields";
import { TagFacePanel } from "./TagFacePanel";

/**
 * A post of the signed-in author: the draft editor, then the checks' findings and remedies,
 * and once it is out, where it is published (`publishing`, handed in by the app).
 */
// The first name of a flagged span, whatever separated the parts: "Amara Okoye",
// "#AmaraOkoye", "Amara.Okoye", "Amara_Okoye", or with invisible characters between (R4).
function firstNameOf(name: string): string {
  const visible = name.replace(/^#/, "").replace(/\p{Cf}/gu, "");
  const camel = /^\p{Lu}\p{Ll}+(?=\p{Lu})/u.exec(visible);
  const word = camel ?? /^[\p{L}\p{M}'’-]+/u.exec(visible);
  return word?.[0] ?? visible;
}

export function PostPage({ publishing }: { publishing?: PublishingSlot | undefined }) {
  const { postId } = useParams();
  const id = Number(postId);
  const post = usePost(id);
  if (!Number.isInteger(id)) return <Page title="Post not found">{null}</Page>;
  if (post.isPending) return <Loading />;
  if (post.isError) {
    return (
      <Page title="Post">
        <ErrorSummary messages={errorMessages(post.error).top} />
        <Link to="/posts">Back to my posts</Link>
      </Page>
    );
  }
  return <PostScreen key={id} post={post.data} publishing={publishing} />;
}

function firstWords(text: string | undefined, count = 8): string {
  const words = (text ?? "").trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return "";
  return words.slice(0, count).join(" ") + (words.length > count ? "…" : "");
}

type Panel = { kind: "tag"; faceId: number; finding: number } | null;
/** The last remedy that changed the text at once, and the text to put back. */
type Undo = { text: string; said: string };

function valueOf(post: PostDetail): PostFieldsValue {
  return { text: post.text ?? "", channels: postChannels(post), scheduledAt: toLocalInput(post.scheduled_at) };
}

function sameValue(a: PostFieldsValue, b: PostFieldsValue): boolean {
  return a.text === b.text && a.scheduledAt === b.scheduledAt && [...a.channels].sort().join() === [...b.channels].sort().join();
}

function PostScreen({ post, publishing }: { post: PostDetail; publishing: PublishingSlot | undefined }) {
  const location = useLocation();
  const queryClient = useQueryClient();
  const initialFlash = (location.state as { flash?: string } | null)?.flash ?? null;
  // `live`: end the message with what the checks say now, read from the post as it is.
  const [flash, setFlash] = useState<{ message: string | null; live: boolean; stamp: number }>({ message: initialFlash, live: false, stamp: 0 });
  const [panel, setPanel] = useState<Panel>(null);
  const [editor, setEditor] = useState<Editor | null>(() => (post.status === "draft" ? { value: valueOf(post), opened: 0 } : null));
  const [undo, setUndo] = useState<Undo | null>(null);
  const [photoModes, setPhotoModes] = useState<Record<number, PhotoMode>>({});
  const [currentFinding, setCurrentFinding] = useState<number | null>(null);

  const channels = postChannels(post);
  const isDraft = post.status === "draft";
  const checking = CHECKING_STATUSES.includes(post.status ?? "");
  const editable = EDITABLE_STATUSES.includes(post.status ?? "") && !checking;
  const run = checkRunView(post.check_run);
  const checks = faceChecksById(run);
  const findings = run?.findings ?? [];
  const textSpans = findings.filter((f) => f.field === "text" && f.span).map((f) => f.span as [number, number]);

  const submit = useSubmitPost(post.id);
  const blur = useBlur(post.id);
  const tag = useTagFace(post.id);
  const edit = useEditPost(post.id);
  const note = useAddNote(post.id);
  const actionErrors = [submit.error, blur.error, tag.error, edit.error].flatMap((error) => errorMessages(error).top);
  const dirty = editor !== null && !sameValue(editor.value, valueOf(post));

  /** After an action: close what was open and say what happened, and what the checks say now.
   * Text typed and not saved stays in the editor: no other action throws it away. */
  function done(message: string, updated?: PostDetail) {
    finish(message, updated, dirty);
  }
  /** After the editor's own save: it closes (a draft's stays, holding what was saved). */
  function saved(message: string, updated?: PostDetail) {
    finish(message, updated, false);
  }
  function finish(message: string, updated: PostDetail | undefined, keepEdits: boolean) {
    setPanel(null);
    setPhotoModes({});
    setCurrentFinding(null);
    setUndo(null);
    const now = updated ?? post;
    const draftNow = now.status === "draft";
    if (!keepEdits) setEditor(draftNow ? { value: valueOf(now), opened: 0 } : null);
    const kept = keepEdits && !draftNow ? " Your unsaved changes to the text are still in the editor." : "";
    setFlash((previous) => ({ message: `${message}${kept}`, live: !draftNow && updated !== undefined, stamp: previous.stamp + 1 }));
  }
  function openEditor(select?: [number, number]) {
    setEditor((open) => ({ value: open && dirty ? open.value : valueOf(post), select, opened: (open?.opened ?? 0) + 1 }));
    setPhotoModes({});
  }
  /** A remedy that rewrites the text applies at once, with Undo; into the editor if it holds unsaved text. */
  function rewriteText(text: string, said: string, from: string, to: string) {
    if (editor && dirty) {
      const found = editor.value.text.includes(from);
      if (found) setEditor({ ...editor, value: { ...editor.value, text: editor.value.text.replace(from, to) } });
      const message = found ? `${said} in the editor. Save to send it for checks.` : `“${from}” is not in the text you are editing.`;
      setFlash((previous) => ({ message, live: false, stamp: previous.stamp + 1 }));
      return;
    }
    const before = post.text ?? "";
    edit.mutate(
      { text },
      {
        onSuccess: (updated) => {
          saved(`${said}.`, updated);
          setUndo({ text: before, said: `Put back “${from}”` });
        },
      },
    );
  }
  /** A draft with unsaved text: save it first, so what is checked is what the author sees. */
  function sendForChecks() {
    const send = () => submit.mutate(undefined, { onSuccess: (updated) => saved("Sent.", updated) });
    if (!editor || !dirty) return send();
    edit.mutate(
      postBody(editor.value),
      { onSuccess: send },
    );
  }
  function setMode(imageId: number, mode: PhotoMode) {
    setPhotoModes({ [imageId]: mode });
    if (mode !== "view") setPanel(null);
  }

  const title = isDraft ? "Draft post" : firstWords(post.text) ? `Post: ${firstWords(post.text, 6)}` : `Post ${post.id}`;
  const unresolvedFaceIds = post.images.flatMap((image) =>
    image.faces.filter((face) => faceState(face, checks.get(face.id), channels).needsAction).map((face) => face.id),
  );
  const withoutConsent = findings.some((f) => f.faceId !== null && ["R1", "R2", "R16"].includes(f.rule));

  function remedyButtons(finding: Finding, index: number) {
    if (!editable) return null;
    const place = findingPlace(post, finding);
    const buttons: ReactElement[] = [];
    const faceId = finding.faceId;
    const imageId = finding.image ?? post.images.find((image) => image.faces.some((face) => face.id === faceId))?.id ?? null;
    const altImage = finding.field?.startsWith("alt_text:") ? Number(finding.field.slice("alt_text:".length)) : null;
    for (const remedy of finding.remedies) {
      switch (remedy) {
        case "tag":
          if (faceId !== null)
            buttons.push(
              <button key={remedy} type="button" className="button button--primary" onClick={() => { setPanel({ kind: "tag", faceId, finding: index }); setCurrentFinding(index); setPhotoModes({}); }}>
                Tag this face
              </button>,
            );
          break;
        case "not_a_face":
          if (faceId !== null)
            buttons.push(
              <button key={remedy} type="button" className="button button--secondary" disabled={tag.isPending} onClick={() => tag.mutate({ faceId, tag: "not_a_face" }, { onSuccess: (updated) => done(`Marked ${place.toLowerCase()} as not a face.`, updated) })}>
                Not a face
              </button>,
            );
          break;
        case "blur":
          if (faceId !== null) {
            buttons.push(
              <button key={remedy} type="button" className="button button--secondary" disabled={blur.isPending} onClick={() => blur.mutate({ face_ids: [faceId], without_consent: false }, { onSuccess: (updated) => done(`Blurred ${place.toLowerCase()}.`, updated) })}>
                Blur this face
              </button>,
            );
          } else if (unresolvedFaceIds.length > 0 || finding.field) {
            const ids = post.images.flatMap((image) => image.faces.filter((face) => !face.blurred && face.identifiable !== false && face.tag !== "not_a_face").map((face) => face.id));
            if (ids.length > 0)
              buttons.push(
                <button key={remedy} type="button" className="button button--secondary" disabled={blur.isPending} onClick={() => blur.mutate({ face_ids: ids, without_consent: false }, { onSuccess: (updated) => done("Blurred every face.", updated) })}>
                  Blur every face
                </button>,
              );
          }
          break;
        case "remove_image":
          if (imageId !== null)
            buttons.push(
              <button key={remedy} type="button" className="button button--danger-outline" onClick={() => setMode(imageId, "remove")}>
                Remove this photo
              </button>,
            );
          break;
        case "remove_channel":
          if (finding.channel && isChannel(finding.channel) && channels.includes(finding.channel)) {
            const only = channels.length === 1;
            const channel = finding.channel;
            buttons.push(
              <button
                key={remedy}
                type="button"
                className="button button--secondary"
                disabled={only || edit.isPending}
                title={only ? "It is the only channel: choose another channel first." : undefined}
                onClick={() => edit.mutate({ channels: channels.filter((c) => c !== channel) }, { onSuccess: (updated) => done(`${channelLabel(channel)} removed from the channels.`, updated) })}
              >
                Don&apos;t post to {channelLabel(channel)}
              </button>,
            );
          }
          break;
        case "edit_text":
          if (altImage !== null) {
            buttons.push(
              <button key={remedy} type="button" className="button button--secondary" onClick={() => setMode(altImage, "alt")}>
                Edit the description
              </button>,
            );
          } else {
            buttons.push(
              <button key={remedy} type="button" className="button button--secondary" onClick={() => openEditor(finding.span ? spanToUtf16(post.text ?? "", finding.span) : undefined)}>
                Edit the text
              </button>,
            );
          }
          break;
        case "use_first_name_only":
          if (finding.field === "text" && finding.span) {
            const [start, end] = spanToUtf16(post.text ?? "", finding.span);
            const name = (post.text ?? "").slice(start, end);
            const first = firstNameOf(name);
            const text = (post.text ?? "").slice(0, start) + first + (post.text ?? "").slice(end);
            buttons.push(
              <button key={remedy} type="button" className="button button--secondary" disabled={edit.isPending} onClick={() => rewriteText(text, `Changed “${name}” to “${first}”`, name, first)}>
                Use the first name only
              </button>,
            );
          }
          break;
        case "add_face":
          if (imageId !== null)
            buttons.push(
              <button key={remedy} type="button" className="button button--secondary" onClick={() => setMode(imageId, "draw")}>
                Draw a face box
              </button>,
            );
          break;
        default:
          break;
      }
    }
    const hint = finding.remedies.includes("confirm_no_identifiable_faces") ? (
      <p className="hint">A leader confirms this when approving. If anyone is in this photo, draw a box round their face.</p>
    ) : finding.remedies.includes("resolve_dispute") ? (
      <p className="hint">A leader decides whether the recognition is right. Until then, blur the face or remove the photo.</p>
    ) : finding.remedies.includes("confirm_adult") ? (
      <p className="hint">A leader other than the person who tagged this adult confirms it.</p>
    ) : null;
    const tagging = panel?.kind === "tag" && panel.finding === index;
    return (
      <>
        {hint}
        {buttons.length > 0 && !tagging ? (
          <div className="actions" role="group" aria-label={`Ways to fix: ${place}`}>
            {buttons}
          </div>
        ) : null}
        {tagging && panel.kind === "tag" ? (
          <TagFacePanel
            postId={post.id}
            schoolId={post.school}
            faceId={panel.faceId}
            where={faceWhere(post, panel.faceId)}
            onDone={done}
            onCancel={() => setPanel(null)}
          />
        ) : null}
      </>
    );
  }

  const currentFaceId = currentFinding !== null ? (findings[currentFinding]?.faceId ?? null) : null;

  return (
    <Page title={title}>
      <UnsavedChangesGuard dirty={dirty} />
      <p>
        <Link to="/posts">Back to my posts</Link>
      </p>
      <PostStatusPanel status={post.status} reason={post.status_reason} findings={findings} />
      <Flash message={flash.message && flash.live ? `${flash.message} ${afterChecks(post)}` : flash.message} stamp={flash.stamp} />
      {undo ? (
        <p className="undo-bar">
          <button
            type="button"
            className="button button--secondary"
            disabled={edit.isPending}
            onClick={() => edit.mutate({ text: undo.text }, { onSuccess: (updated) => saved(`Undone: ${undo.said.charAt(0).toLowerCase()}${undo.said.slice(1)}.`, updated) })}
          >
            Undo<span className="visually-hidden">: {undo.said}</span>
          </button>
        </p>
      ) : null}
      <ErrorSummary messages={actionErrors} />
      {publishing && PUBLISHED_STATUSES.includes(post.status ?? "")
        ? publishing(post, () => void queryClient.invalidateQueries({ queryKey: postKey(post.id) }))
        : null}

      <section className="panel" aria-labelledby="content-heading">
        <h2 id="content-heading">{isDraft ? "Text and channels" : "The post"}</h2>
        {editor ? (
          <EditForm
            post={post}
            editor={editor}
            onChange={(value) => setEditor((open) => (open ? { ...open, value } : open))}
            dirty={dirty}
            afterSubmission={!isDraft}
            onCancel={isDraft ? undefined : () => setEditor(null)}
            onDone={saved}
          />
        ) : (
          <>
            {post.text ? <HighlightedText text={post.text} spans={textSpans} /> : <p className="hint">No text.</p>}
            <dl className="facts">
              <dt>Channels</dt>
              <dd>{channels.map((c) => CHANNEL_LABELS[c]).join(", ") || "None"}</dd>
              <dt>Publish</dt>
              <dd>{post.scheduled_at ? formatDateTime(post.scheduled_at) : "As soon as it is approved"}</dd>
              {post.submitted_at ? (
                <>
                  <dt>Sent for checks</dt>
                  <dd>{formatDateTime(post.submitted_at)}</dd>
                </>
              ) : null}
            </dl>
            {editable ? (
              <button type="button" className="button button--secondary" onClick={() => openEditor()}>
                Edit text, channels or time
              </button>
            ) : null}
          </>
        )}
      </section>

      {!isDraft && run && !checking ? (
        <section className="panel" aria-labelledby="findings-heading">
          <h2 id="findings-heading">What the checks found</h2>
          <p className="hint">Checked {formatDateTime(run.createdAt)}.</p>
          {editable && withoutConsent ? (
            <div className="actions bulk-actions">
              <button
                type="button"
                className="button button--secondary"
                disabled={blur.isPending}
                onClick={() => blur.mutate({ without_consent: true }, { onSuccess: (updated) => done("Blurred every face without consent.", updated) })}
              >
                Blur all faces without consent
              </button>
            </div>
          ) : null}
          <FindingList post={post} findings={findings} actions={remedyButtons} />
        </section>
      ) : null}

      <section aria-labelledby="photos-heading" className="photos">
        <h2 id="photos-heading">Photos</h2>
        {post.images.length === 0 ? <p className="hint">No photos.</p> : null}
        <div className="photo-grid">
          {post.images.map((image, index) => (
            <PhotoCard
              key={image.id}
              post={post}
              image={image}
              index={index}
              checks={checks}
              channels={channels}
              editable={editable}
              mode={photoModes[image.id] ?? "view"}
              onMode={(mode) => setMode(image.id, mode)}
              currentFaceId={currentFaceId}
              altSpans={findings.filter((f) => f.field === `alt_text:${image.id}` && f.span).map((f) => f.span as [number, number])}
              onDone={done}
            />
          ))}
        </div>
        {editable ? (
          <div className="panel">
            <AddPhotoForm postId={post.id} count={post.images.length} onAdded={done} />
          </div>
        ) : null}
      </section>

      {isDraft ? (
        <section className="panel" aria-labelledby="send-heading">
          <h2 id="send-heading">Send for checks</h2>
          <p>
            The safeguarding checks look for faces, names and contact details. Then a member of the leadership team approves it. You can
            still change it afterwards, but it is checked again.
          </p>
          <button
            type="button"
            className="button button--primary"
            disabled={submit.isPending || edit.isPending || overLimit(editor?.value ?? valueOf(post)).length > 0}
            onClick={sendForChecks}
          >
            {submit.isPending ? "Sending…" : dirty ? "Save and send for checks" : "Send for checks"}
          </button>
        </section>
      ) : null}

      <NoteThread
        notes={notesView(post.notes)}
        onSend={(text, clear) => note.mutate(text, { onSuccess: clear })}
        sending={note.isPending}
        error={errorMessages(note.error, ["text"]).fields.text ?? errorMessages(note.error).top}
      />
    </Page>
  );
}

/** What the checks made of the change: they may still be running, or already done. */
function afterChecks(post: PostDetail): string {
  if (CHECKING_STATUSES.includes(post.status ?? "")) return "The safeguarding checks are running.";
  return `The checks say: ${statusMeta(post.status).label.toLowerCase()}.`;
}

function faceWhere(post: PostDetail, faceId: number): string {
  const where = faceNumber(post, faceId);
  return where ? `Face ${where.face} in photo ${where.photo}` : "This face";
}
