import type { ReactNode } from "react";

/**
 * A link that follows the channel's name ("Facebook · Open on the platform"), opening the
 * platform in a new tab; nothing at all when there is no address.
 */
export function ChannelLink({ href, children }: { href?: string | null; children: ReactNode }) {
  if (!href) return null;
  return (
    <>
      {" · "}
      <a href={href} target="_blank" rel="noreferrer noopener">
        {children}
      </a>
    </>
  );
}
