import { Fragment } from "react";
import { Icon } from "../../../components/Icon";
import { errorMessages } from "../../../lib/errors";
import { channelLabel, diffIsEmpty, photoNumber, type PostDetail, type PostDiff } from "../../../lib/post";
import { usePostDiff } from "../api/queue";

/** What changed since the version this leader last looked at (on any device: the server keeps it). */
export function DiffPanel({ post, since }: { post: PostDetail; since: number }) {
  const diff = usePostDiff(post.id, since);
  const photo = (imageId: number) => {
    const n = photoNumber(post, imageId);
    return n ? `photo ${n}` : "a photo";
  };
  return (
    <section className="panel diff" aria-labelledby="diff-heading">
      <h2 id="diff-heading">
        <Icon name="alert" /> Changed since you last looked (version {since} → {post.version})
      </h2>
      {diff.isPending ? <p className="loading">Loading the changes…</p> : null}
      {diff.isError ? <p className="hint">Cannot show the changes: {errorMessages(diff.error).top.join(" ")}</p> : null}
      {diff.data === null ? <p className="hint">Cannot show the changes.</p> : null}
      {diff.data ? (
        diffIsEmpty(diff.data) ? (
          <p>Nothing that would be published has changed (only tags, blurs or the schedule).</p>
        ) : (
          <>
            {diff.data.textChanges.some((run) => run.change !== "same") ? (
              <>
                <h3>Text</h3>
                <WordChanges changes={diff.data.textChanges} />
              </>
            ) : null}
            <ul>
              {diff.data.channelsBefore.join() !== diff.data.channelsNow.join() ? (
                <li>
                  Channels were {diff.data.channelsBefore.map(channelLabel).join(", ") || "none"}; now{" "}
                  {diff.data.channelsNow.map(channelLabel).join(", ") || "none"}.
                </li>
              ) : null}
              {diff.data.imagesAdded.map((id) => (
                <li key={`a${id}`}>Added {photo(id)}.</li>
              ))}
              {diff.data.imagesRemoved.length > 0 ? <li>Removed {diff.data.imagesRemoved.length} photo(s).</li> : null}
              {diff.data.imagesChanged.map((id) => (
                <li key={`c${id}`}>Changed {photo(id)} (for example, faces blurred).</li>
              ))}
              {diff.data.altTextChanged.map((id) => (
                <li key={`t${id}`}>Changed the description of {photo(id)}.</li>
              ))}
            </ul>
          </>
        )
      ) : null}
    </section>
  );
}

/** How an added or a removed word is marked: <ins> and <del> say so to assistive technology too. */
const WORD_MARKS = {
  added: { Mark: "ins", className: "diff-add" },
  removed: { Mark: "del", className: "diff-del" },
} as const;

/**
 * The text as it is now, with the words removed since shown struck through and the words
 * added highlighted: a leader sees "Okoye" went and "beautifully" came, not two whole
 * paragraphs. Screen readers hear "removed:" and "added:" before each change.
 */
export function WordChanges({ changes }: { changes: PostDiff["textChanges"] }) {
  return (
    <p className="word-diff" aria-label="The text now, with its changes">
      {changes.map((run, index) => {
        if (run.change === "same") return <span key={index}>{run.text}</span>;
        // The space after a changed word stays outside its mark, so only the word is marked.
        const words = run.text.replace(/\s+$/, "");
        const after = run.text.slice(words.length);
        const { Mark, className } = WORD_MARKS[run.change];
        return (
          <Fragment key={index}>
            <Mark className={className}>
              <span className="visually-hidden">{run.change}: </span>
              {words}
            </Mark>
            {after}
          </Fragment>
        );
      })}
    </p>
  );
}
