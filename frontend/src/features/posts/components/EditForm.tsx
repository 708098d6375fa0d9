import { useRef, useState, type FormEvent } from "react";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { FormActions } from "../../../components/FormActions";
import { errorMessages } from "../../../lib/errors";
import type { PostDetail } from "../../../lib/post";
import { useEditPost } from "../api/posts";
import { fieldProblems, PostFields, postBody, type PostFieldsValue } from "./PostFields";

/** The text editor, open with what the author typed (kept by the page, so no other action loses it). */
export type Editor = { value: PostFieldsValue; select?: [number, number] | undefined; opened: number };

const EDIT_FIELDS = ["text", "channels", "scheduled_at"] as const;

/**
 * The post's text, channels and time being edited: a draft's, or after submission (then a save
 * sends it through the checks again). Cancelling with unsaved changes asks first.
 */
export function EditForm({
  post,
  editor,
  onChange,
  dirty,
  afterSubmission,
  onCancel,
  onDone,
}: {
  post: PostDetail;
  editor: Editor;
  onChange: (value: PostFieldsValue) => void;
  dirty: boolean;
  afterSubmission: boolean;
  onCancel: (() => void) | undefined;
  onDone: (message: string, updated?: PostDetail) => void;
}) {
  const edit = useEditPost(post.id);
  const value = editor.value;
  const [localErrors, setLocalErrors] = useState<Record<string, string[]>>({});
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const errors = errorMessages(edit.error, EDIT_FIELDS);
  const focused = useRef<number | null>(null);
  // Focus the text (and select what a remedy points at) once per opening, not on every key.
  const textRef = (element: HTMLTextAreaElement | null) => {
    if (!element || !afterSubmission || focused.current === editor.opened) return;
    focused.current = editor.opened;
    element.focus();
    if (editor.select) element.setSelectionRange(editor.select[0], editor.select[1]);
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problems = fieldProblems(value);
    setLocalErrors(problems);
    if (Object.keys(problems).length > 0) return;
    edit.mutate(
      postBody(value),
      { onSuccess: (updated) => onDone(afterSubmission ? "Changes saved." : "Draft saved.", updated) },
    );
  }
  // Unsaved text is never thrown away without asking.
  function cancel() {
    if (dirty) setConfirmingCancel(true);
    else onCancel?.();
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      {afterSubmission ? (
        <p className="notice notice--warn">Saving a change sends the post through the checks again and cancels any approval it has.</p>
      ) : null}
      <ErrorSummary messages={errors.top} />
      <PostFields value={value} onChange={onChange} errors={{ ...errors.fields, ...localErrors }} textRef={textRef} schoolId={post.school} />
      {confirmingCancel ? (
        <div className="confirm" role="group" aria-label="Throw away your changes?">
          <p>Throw away the changes you have not saved?</p>
          <FormActions label="Throw them away" tone="danger" onSubmit={() => onCancel?.()} onCancel={() => setConfirmingCancel(false)} cancelLabel="Keep editing" />
        </div>
      ) : (
        <FormActions
          label={afterSubmission ? "Save and check again" : "Save draft"}
          pending={edit.isPending}
          onCancel={onCancel ? cancel : undefined}
        />
      )}
    </form>
  );
}
