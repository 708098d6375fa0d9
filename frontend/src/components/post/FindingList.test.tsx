import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { checkRunView } from "../../lib/post";
import { checkRun, image, UNIDENTIFIED_FINDING } from "../../test/posts";
import { FindingList } from "./FindingList";

const POST = { images: [image({ id: 31 })] };
const FINDINGS = checkRunView(checkRun([UNIDENTIFIED_FINDING]))?.findings ?? [];

describe("a finding's words", () => {
  it("shows staff what is wrong in plain words, with no rule code", () => {
    render(<FindingList post={POST} findings={FINDINGS} />);

    const finding = screen.getByRole("listitem");
    expect(within(finding).getByText(/Face not identified/)).toBeInTheDocument();
    expect(finding.textContent).not.toMatch(/\bR2\b/);
  });

  it("keeps the rule code for leaders in the finding's details", () => {
    render(<FindingList post={POST} findings={FINDINGS} showRuleCodes />);

    const finding = screen.getByRole("listitem");
    expect(within(finding).getByText(/Face not identified/).textContent).not.toMatch(/\bR2\b/);
    expect(within(finding).getByText("Safeguarding rule R2").closest("details")).not.toBeNull();
  });
});
