import { useState } from "react";
import { Link } from "react-router";
import { ErrorSummary } from "../../../components/ErrorSummary";
import { Loading } from "../../../components/Loading";
import { Page } from "../../../components/Page";
import { Pagination } from "../../../components/Pagination";
import { PostCard } from "../../../components/PostCard";
import { errorMessages } from "../../../lib/errors";
import { formatDateTime } from "../../../lib/format";
import { useMyPosts } from "../api/posts";

/** The author's own posts, newest problems first, each with its status in words. */
export function MyPostsPage({ userId }: { userId: number }) {
  const [page, setPage] = useState(1);
  const posts = useMyPosts(userId, page);

  return (
    <Page title="My posts">
      <p>
        <Link className="button button--primary" to="/posts/new">
          New post
        </Link>
      </p>
      {posts.isPending ? <Loading /> : null}
      {posts.isError ? <ErrorSummary messages={errorMessages(posts.error).top} /> : null}
      {posts.data ? (
        posts.data.results.length === 0 ? (
          <p>You have not written any posts yet.</p>
        ) : (
          <>
            <ul className="card-list" aria-label="Your posts">
              {posts.data.results.map((post) => (
                <PostCard key={post.id} post={post} to={`/posts/${post.id}`}>
                  {post.status_reason && post.status !== "draft" ? <p className="hint">{post.status_reason}</p> : null}
                  <p className="hint">
                    {post.scheduled_at ? `Publish at ${formatDateTime(post.scheduled_at)} · ` : ""}Last changed {formatDateTime(post.updated_at)}
                  </p>
                </PostCard>
              ))}
            </ul>
            <Pagination page={posts.data} current={page} onChange={setPage} label="Pages of your posts" />
          </>
        )
      ) : null}
    </Page>
  );
}
