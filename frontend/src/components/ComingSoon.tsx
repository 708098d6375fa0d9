import { Page } from "./Page";

/** A screen whose feature is not built yet. Says so plainly; shows no made-up data. */
export function ComingSoon({ title, what }: { title: string; what: string }) {
  return (
    <Page title={title}>
      <p className="notice">
        <strong>Coming soon.</strong> {what} This part of the product is not available yet.
      </p>
    </Page>
  );
}
