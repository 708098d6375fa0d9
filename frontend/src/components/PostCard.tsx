import type { ReactNode } from "react";
import { Link } from "react-router";
import { CHANNEL_LABELS, postChannels, postTitle, statusMeta, type PostSummary } from "../lib/post";
import { StatusBadge } from "./StatusBadge";

/**
 * One post in a list (the author's posts, the leaders' queue): its title as the link, its
 * status in words, what it goes out on and how many photos, then whatever the list adds
 * (badges beside the status, lines under it).
 */
export function PostCard({
  post,
  to,
  titleLength,
  badges,
  children,
}: {
  post: PostSummary;
  to: string;
  titleLength?: number;
  /** Beside the status: "Identifiable pupils", "Due time passed". */
  badges?: ReactNode;
  /** Lines under the status: the reason, the times. */
  children?: ReactNode;
}) {
  const meta = statusMeta(post.status);
  const photos = `${post.image_count} photo${post.image_count === 1 ? "" : "s"}`;
  return (
    <li className="card post-card">
      <div className="card-main">
        <h2 className="post-card__title">
          <Link to={to}>{postTitle(post, titleLength)}</Link>
        </h2>
        <p className="post-card__meta">
          <StatusBadge label={meta.label} tone={meta.tone} icon={meta.icon} prefix="Status:" />
          {badges}
          <span>
            {postChannels(post)
              .map((c) => CHANNEL_LABELS[c])
              .join(", ")}{" "}
            · {photos}
          </span>
        </p>
        {children}
      </div>
    </li>
  );
}
