import { ComingSoon } from "../../../components/ComingSoon";

export function NewPostPage() {
  return (
    <ComingSoon
      title="New post"
      what="Here staff will draft a post with photos on an enrolled tablet, tag faces and send it for checks and approval."
    />
  );
}
