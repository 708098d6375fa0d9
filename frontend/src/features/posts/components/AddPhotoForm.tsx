import { useId, useRef, useState, type FormEvent } from "react";
import { errorMessages } from "../../../lib/errors";
import { MAX_PHOTOS, type PostDetail } from "../../../lib/post";
import { useAddPhoto } from "../api/posts";

const ACCEPT = "image/jpeg,image/png,image/heic,image/heif,image/webp";

/** One photo with its description. Upload problems are shown beside the photo field. */
export function AddPhotoForm({ postId, count, onAdded }: { postId: number; count: number; onAdded: (message: string, updated?: PostDetail) => void }) {
  const id = useId();
  const add = useAddPhoto(postId);
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [altText, setAltText] = useState("");
  const [missing, setMissing] = useState(false);
  const errors = errorMessages(add.error, ["image", "alt_text"]);
  const imageErrors = [...(missing ? ["Choose a photo first."] : []), ...(errors.fields.image ?? []), ...errors.top];
  const altErrors = errors.fields.alt_text ?? [];

  if (count >= MAX_PHOTOS) {
    return <p className="hint">A post can have at most {MAX_PHOTOS} photos.</p>;
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file) {
      setMissing(true);
      fileInput.current?.focus();
      return;
    }
    setMissing(false);
    add.mutate(
      { file, altText: altText.trim() },
      {
        onSuccess: (updated) => {
          setFile(null);
          setAltText("");
          if (fileInput.current) fileInput.current.value = "";
          onAdded("Photo added.", updated);
        },
        onError: () => fileInput.current?.focus(),
      },
    );
  }

  return (
    <form className="form add-photo" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Add a photo ({count} of {MAX_PHOTOS})</h3>
      <div className={`field${imageErrors.length ? " field--error" : ""}`}>
        <label htmlFor={`${id}-file`}>Photo</label>
        <p className="hint" id={`${id}-file-hint`}>
          JPEG, PNG or HEIC. Location and camera details are removed before anything is published.
        </p>
        {imageErrors.length ? (
          <p className="field-error" id={`${id}-file-error`}>
            {imageErrors.map((message) => (
              <span key={message}>{message}</span>
            ))}
          </p>
        ) : null}
        <input
          ref={fileInput}
          id={`${id}-file`}
          type="file"
          name="image"
          accept={ACCEPT}
          aria-invalid={imageErrors.length ? true : undefined}
          aria-describedby={`${id}-file-hint${imageErrors.length ? ` ${id}-file-error` : ""}`}
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
        />
      </div>
      <div className={`field${altErrors.length ? " field--error" : ""}`}>
        <label htmlFor={`${id}-alt`}>Describe the photo (alt text)</label>
        <p className="hint" id={`${id}-alt-hint`}>
          For people who cannot see it, e.g. &ldquo;Year 4 planting trees in the school garden&rdquo;. No full names.
        </p>
        {altErrors.length ? (
          <p className="field-error" id={`${id}-alt-error`}>
            {altErrors.map((message) => (
              <span key={message}>{message}</span>
            ))}
          </p>
        ) : null}
        <input
          id={`${id}-alt`}
          type="text"
          name="alt_text"
          maxLength={1000}
          value={altText}
          aria-invalid={altErrors.length ? true : undefined}
          aria-describedby={`${id}-alt-hint${altErrors.length ? ` ${id}-alt-error` : ""}`}
          onChange={(event) => setAltText(event.target.value)}
        />
      </div>
      <button type="submit" className="button button--secondary" disabled={add.isPending}>
        {add.isPending ? "Uploading…" : "Add photo"}
      </button>
    </form>
  );
}
