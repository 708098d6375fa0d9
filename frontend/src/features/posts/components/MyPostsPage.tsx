import { ComingSoon } from "../../../components/ComingSoon";

export function MyPostsPage() {
  return (
    <ComingSoon
      title="My posts"
      what="Here staff will see their drafts and submitted posts, what the safeguarding checks found and whether each is approved or published."
    />
  );
}
