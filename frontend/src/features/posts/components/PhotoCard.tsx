import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { FormActions } from "../../../components/FormActions";
import { FaceList, faceNote } from "../../../components/post/FaceList";
import { HighlightedText } from "../../../components/post/HighlightedText";
import { PhotoFaces, type FaceMark } from "../../../components/post/PhotoFaces";
import { errorMessages } from "../../../lib/errors";
import { faceState, imageSrc, mayDisputeFace, type Box, type FaceCheck, type PostDetail, type PostImage } from "../../../lib/post";
import { useAddFace, useRemovePhoto, useUpdateAltText } from "../api/posts";
import { DisputeFacePanel } from "./DisputeFacePanel";

export type PhotoMode = "view" | "draw" | "alt" | "remove";

interface Props {
  post: PostDetail;
  image: PostImage;
  index: number;
  checks: Map<number, FaceCheck>;
  channels: readonly string[];
  editable: boolean;
  mode: PhotoMode;
  onMode: (mode: PhotoMode) => void;
  currentFaceId: number | null;
  altSpans: Array<[number, number]>;
  onDone: (message: string, updated?: PostDetail) => void;
}

/** One photo of the author's post: faces boxed and listed, its description, and its tools. */
export function PhotoCard({ post, image, index, checks, channels, editable, mode, onMode, currentFaceId, altSpans, onDone }: Props) {
  const id = useId();
  const number = index + 1;
  const heading = useRef<HTMLHeadingElement>(null);
  const marks: FaceMark[] = image.faces.flatMap((face, i) => {
    const box = face.box.length === 4 ? (face.box as Box) : null;
    if (!box) return [];
    const check = checks.get(face.id);
    return [{ id: face.id, box, number: i + 1, tone: faceState(face, check, channels).tone, current: face.id === currentFaceId, note: faceNote(face, check, channels) }];
  });
  const alt = image.alt_text?.trim() ? image.alt_text : `Photo ${number} (no description yet)`;
  const [disputing, setDisputing] = useState<number | null>(null);
  // R1: a recognised face cannot be tagged; if the recognition is wrong, say so and a leader decides.
  function faceActions(faceId: number) {
    const face = image.faces.find((f) => f.id === faceId);
    if (!editable || !face || !mayDisputeFace(face, checks.get(faceId))) return null;
    const where = `face ${image.faces.indexOf(face) + 1} in photo ${number}`;
    return disputing === faceId ? (
      <DisputeFacePanel
        postId={post.id}
        faceId={faceId}
        who={face.person_label ?? "the person recognised"}
        where={where}
        onCancel={() => setDisputing(null)}
        onDone={(message, updated) => {
          setDisputing(null);
          onDone(message, updated);
        }}
      />
    ) : (
      <div className="actions">
        <button type="button" className="button button--secondary" onClick={() => setDisputing(faceId)}>
          This is not {face.person_label ?? "this person"}
          <span className="visually-hidden"> ({where})</span>
        </button>
      </div>
    );
  }

  useEffect(() => {
    if (mode !== "view") heading.current?.focus();
  }, [mode]);

  return (
    <article className="photo-card panel" aria-labelledby={`${id}-heading`} id={`photo-${image.id}`}>
      <h3 id={`${id}-heading`} ref={heading} tabIndex={-1}>
        Photo {number}
      </h3>
      {mode === "draw" ? (
        <DrawFace post={post} image={image} number={number} marks={marks} onCancel={() => onMode("view")} onDone={onDone} />
      ) : (
        <>
          <PhotoFaces
            src={imageSrc(image, "medium", post)}
            alt={alt}
            width={image.width}
            height={image.height}
            faces={marks}
            enlarge={{ src: imageSrc(image, "large", post), title: `Photo ${number}` }}
          />
          {image.detected_at ? (
            <>
              <h4 className="small-heading">Faces in photo {number}</h4>
              <FaceList image={image} checks={checks} channels={channels} actions={faceActions} />
            </>
          ) : (
            <p className="hint">Faces are found when the post is sent for checks.</p>
          )}
        </>
      )}

      <h4 className="small-heading">Description</h4>
      {mode === "alt" ? (
        <AltTextForm post={post} image={image} number={number} onCancel={() => onMode("view")} onDone={onDone} />
      ) : image.alt_text ? (
        <HighlightedText text={image.alt_text} spans={altSpans} className="alt-text" />
      ) : (
        <p className="hint">No description yet. Add one for people who cannot see the photo.</p>
      )}

      {mode === "remove" ? (
        <RemovePhoto post={post} image={image} number={number} onCancel={() => onMode("view")} onDone={onDone} />
      ) : null}

      {editable && mode === "view" ? (
        <div className="actions">
          <button type="button" className="button button--secondary" onClick={() => onMode("alt")}>
            Edit description<span className="visually-hidden"> of photo {number}</span>
          </button>
          {image.detected_at ? (
            <button type="button" className="button button--secondary" onClick={() => onMode("draw")}>
              Draw a face box<span className="visually-hidden"> on photo {number}</span>
            </button>
          ) : null}
          <button type="button" className="button button--danger-outline" onClick={() => onMode("remove")}>
            Remove photo {number}
          </button>
        </div>
      ) : null}
    </article>
  );
}

function AltTextForm({ post, image, number, onCancel, onDone }: { post: PostDetail; image: PostImage; number: number; onCancel: () => void; onDone: (m: string, updated?: PostDetail) => void }) {
  const id = useId();
  const update = useUpdateAltText(post.id);
  const [text, setText] = useState(image.alt_text ?? "");
  const errors = errorMessages(update.error, ["alt_text"]);
  const fieldErrors = [...(errors.fields.alt_text ?? []), ...errors.top];

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    update.mutate({ imageId: image.id, altText: text.trim() }, { onSuccess: (updated) => onDone(`Description of photo ${number} saved.`, updated) });
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <div className={`field${fieldErrors.length ? " field--error" : ""}`}>
        <label htmlFor={`${id}-alt`}>Description of photo {number}</label>
        {fieldErrors.length ? (
          <p className="field-error" id={`${id}-alt-error`}>
            {fieldErrors.map((message) => (
              <span key={message}>{message}</span>
            ))}
          </p>
        ) : null}
        <input
          id={`${id}-alt`}
          type="text"
          maxLength={1000}
          value={text}
          autoFocus
          aria-invalid={fieldErrors.length ? true : undefined}
          aria-describedby={fieldErrors.length ? `${id}-alt-error` : undefined}
          onChange={(event) => setText(event.target.value)}
        />
      </div>
      <FormActions label="Save description" pending={update.isPending} onCancel={onCancel} />
    </form>
  );
}

function RemovePhoto({ post, image, number, onCancel, onDone }: { post: PostDetail; image: PostImage; number: number; onCancel: () => void; onDone: (m: string, updated?: PostDetail) => void }) {
  const remove = useRemovePhoto(post.id);
  const problem = errorMessages(remove.error).top;
  return (
    <div className="confirm" role="group" aria-label={`Confirm removing photo ${number}`}>
      <p>Remove photo {number} from this post?</p>
      {problem.length ? <p className="field-error">{problem.join(" ")}</p> : null}
      <div className="actions">
        <button
          type="button"
          className="button button--danger"
          disabled={remove.isPending}
          onClick={() => remove.mutate(image.id, { onSuccess: (updated) => onDone(`Photo ${number} removed.`, updated) })}
        >
          Yes, remove it
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel} autoFocus>
          Keep it
        </button>
      </div>
    </div>
  );
}

function DrawFace({ post, image, number, marks, onCancel, onDone }: { post: PostDetail; image: PostImage; number: number; marks: FaceMark[]; onCancel: () => void; onDone: (m: string, updated?: PostDetail) => void }) {
  const id = useId();
  const addFace = useAddFace(post.id);
  const [box, setBox] = useState<Box | null>(null);
  const [tooSmall, setTooSmall] = useState(false);
  const errors = errorMessages(addFace.error, ["box"]);
  const problems = [...(tooSmall ? ["Draw a box round the whole face first: drag from one corner of the face to the other."] : []), ...(errors.fields.box ?? []), ...errors.top];

  // Typed entry, in percent of the photo: for keyboards and screen readers.
  const pct = (value: number, of: number) => Math.round((value / of) * 1000) / 10;
  const [top, right, bottom, left] = box ?? [0, 0, 0, 0];
  const typed = { left: pct(left, image.width), top: pct(top, image.height), width: pct(right - left, image.width), height: pct(bottom - top, image.height) };
  function setTyped(key: keyof typeof typed, value: number) {
    const next = { ...typed, [key]: Number.isFinite(value) ? value : 0 };
    const l = Math.round((next.left / 100) * image.width);
    const t = Math.round((next.top / 100) * image.height);
    setBox([t, Math.min(image.width, l + Math.round((next.width / 100) * image.width)), Math.min(image.height, t + Math.round((next.height / 100) * image.height)), l]);
  }

  function save() {
    if (!box || box[1] - box[3] < 4 || box[2] - box[0] < 4) {
      setTooSmall(true);
      return;
    }
    setTooSmall(false);
    addFace.mutate({ imageId: image.id, box }, { onSuccess: (updated) => onDone(`Face box added to photo ${number}.`, updated) });
  }

  return (
    <div className="draw-face">
      <p className="notice" id={`${id}-how`}>
        Drag a box round the face that was missed, from one corner to the other. It is then treated like any other face: tag it or blur it.
      </p>
      <PhotoFaces
        src={imageSrc(image, "medium", post)}
        alt={image.alt_text?.trim() ? image.alt_text : `Photo ${number}`}
        width={image.width}
        height={image.height}
        faces={marks}
        drawing={{ box, onChange: setBox }}
      />
      {problems.length ? (
        <p className="field-error" role="alert">
          {problems.map((message) => (
            <span key={message}>{message}</span>
          ))}
        </p>
      ) : null}
      <details className="typed-box">
        <summary>Enter the box as numbers instead</summary>
        <div className="typed-box__grid">
          {(["left", "top", "width", "height"] as const).map((key) => (
            <div className="field" key={key}>
              <label htmlFor={`${id}-${key}`}>{key[0]?.toUpperCase() + key.slice(1)} (% of the photo)</label>
              <input
                id={`${id}-${key}`}
                type="number"
                inputMode="decimal"
                min={0}
                max={100}
                step={0.5}
                value={typed[key]}
                onChange={(event) => setTyped(key, Number(event.target.value))}
              />
            </div>
          ))}
        </div>
      </details>
      <FormActions label="Save face box" pending={addFace.isPending} onSubmit={save} onCancel={onCancel} />
    </div>
  );
}
