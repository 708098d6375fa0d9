import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { makeQueryClient, Providers } from "../app/providers";
import { appRoutes } from "../app/routes";

/** The whole app at `path`, against whatever fakeApi() answers; `router` tells where it is now. */
export function renderApp(path = "/") {
  const client = makeQueryClient();
  const user = userEvent.setup();
  const router = createMemoryRouter(appRoutes, { initialEntries: [path] });
  const view = render(
    <Providers client={client}>
      <RouterProvider router={router} />
    </Providers>,
  );
  return { ...view, user, client, router };
}
