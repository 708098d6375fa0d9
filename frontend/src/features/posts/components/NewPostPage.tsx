import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Page } from "../../../components/Page";
import { UnsavedChangesGuard } from "../../../components/UnsavedChangesGuard";
import { readDeviceCredential } from "../../../lib/deviceCredential";
import { errorMessages } from "../../../lib/errors";
import { useCreatePost } from "../api/posts";
import { fieldProblems, PostFields, postBody, type PostFieldsValue } from "./PostFields";

const FIELDS = ["text", "channels", "scheduled_at"] as const;

/** Step 1 of a post: text, channels and schedule. Saving makes a draft; photos come next. */
export function NewPostPage({ schoolId, canConnectChannels = false }: { schoolId?: number | undefined; canConnectChannels?: boolean }) {
  const navigate = useNavigate();
  const create = useCreatePost();
  const [value, setValue] = useState<PostFieldsValue>({ text: "", channels: ["website"], scheduledAt: "" });
  const [localErrors, setLocalErrors] = useState<Record<string, string[]>>({});
  const errors = errorMessages(create.error, FIELDS);
  const deviceReady = readDeviceCredential() !== null;
  // Typed and not yet saved; while the save is out (or done) moving on to the draft is not leaving.
  const dirty = (value.text.trim() !== "" || value.scheduledAt !== "") && !create.isPending && !create.isSuccess;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problems = fieldProblems(value);
    setLocalErrors(problems);
    if (Object.keys(problems).length > 0) return;
    create.mutate(
      postBody(value),
      {
        onSuccess: (post) =>
          navigate(`/posts/${post.id}`, { state: { flash: "Draft saved. Add photos if you want, then send it for checks." } }),
      },
    );
  }

  return (
    <Page title="New post">
      <UnsavedChangesGuard dirty={dirty} />
      {!deviceReady ? (
        <div className="notice notice--warn">
          <p>
            <strong>This device is not set up for posting.</strong> Posts can only be made on an enrolled school tablet.{" "}
            <Link to="/this-tablet">Set up this tablet</Link>
          </p>
        </div>
      ) : null}
      <form className="form panel" onSubmit={submit} noValidate>
        <ErrorSummary messages={errors.top} />
        <PostFields value={value} onChange={setValue} errors={{ ...errors.fields, ...localErrors }} schoolId={schoolId} canConnectChannels={canConnectChannels} />
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          {create.isPending ? "Saving…" : "Save draft and add photos"}
        </button>
      </form>
    </Page>
  );
}
