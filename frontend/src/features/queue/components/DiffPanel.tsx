import { Icon } from "../../../components/Icon";
import { errorMessages } from "../../../lib/errors";
import { channelLabel, diffIsEmpty, photoNumber, type PostDetail } from "../../../lib/post";
import { usePostDiff } from "../api/queue";

/** What changed since the version this leader last looked at (on this device). */
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
            {diff.data.textDiff.length > 0 ? (
              <>
                <h3>Text</h3>
                <pre className="text-diff" aria-label="Text changes: lines starting with minus were removed, plus were added">
                  {diff.data.textDiff
                    .filter((line) => !line.startsWith("---") && !line.startsWith("+++") && !line.startsWith("@@"))
                    .map((line, index) => (
                      <span key={index} className={line.startsWith("+") ? "diff-add" : line.startsWith("-") ? "diff-del" : undefined}>
                        {line.startsWith("+") ? "Added: " : line.startsWith("-") ? "Removed: " : "  "}
                        {line.slice(1)}
                        {"\n"}
                      </span>
                    ))}
                </pre>
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
