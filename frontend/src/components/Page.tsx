import { useEffect, useRef, type ReactNode } from "react";
import { useLocation } from "react-router";

const PRODUCT = "School post queue";

/** A screen: sets the window title and, when it opens or the address changes, moves focus to the heading, so
 * screen-reader users hear where they arrived after a route change. (Only when it opens: a
 * title that changes with the content, e.g. a post's status, must not pull focus away from
 * the outcome of an action.) */
export function Page({ title, children }: { title: string; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const { pathname } = useLocation();
  useEffect(() => {
    document.title = `${title} — ${PRODUCT}`;
  }, [title]);
  useEffect(() => {
    heading.current?.focus();
  }, [pathname]);
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title" ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children}
    </section>
  );
}
