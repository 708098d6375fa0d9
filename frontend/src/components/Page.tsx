import { useEffect, useRef, type ReactNode } from "react";

const PRODUCT = "School post queue";

/** A screen: sets the window title and moves focus to the heading, so screen-reader
 * users hear where they arrived after a route change. */
export function Page({ title, children }: { title: string; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} — ${PRODUCT}`;
    heading.current?.focus();
  }, [title]);
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title" ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children}
    </section>
  );
}
