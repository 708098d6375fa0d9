import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeApi, meFor } from "../../../test/fakeApi";
import { page, post } from "../../../test/posts";
import { renderApp } from "../../../test/renderApp";

describe("my posts", () => {
  it("titles a draft by its text, or 'Untitled draft' when it has none (never 'photos only')", async () => {
    fakeApi({
      "GET /api/auth/me": { status: 200, body: meFor(["staff"]) },
      "GET /api/posts": {
        status: 200,
        body: page([post({ id: 10, text: "   ", image_count: 0 }), post({ id: 11, text: "Sports day   is on Friday." })]),
      },
    });
    renderApp("/posts");

    const list = await screen.findByRole("list", { name: "Your posts" });
    const titles = within(list).getAllByRole("heading").map((heading) => heading.textContent);
    expect(titles).toEqual(["Untitled draft", "Sports day is on Friday."]);
  });
});
