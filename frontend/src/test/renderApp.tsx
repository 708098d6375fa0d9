import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { makeQueryClient, Providers } from "../app/providers";
import { AppRoutes } from "../app/routes";

/** The whole app at `path`, against whatever fakeApi() answers. */
export function renderApp(path = "/") {
  const client = makeQueryClient();
  const user = userEvent.setup();
  const view = render(
    <Providers client={client}>
      <MemoryRouter initialEntries={[path]}>
        <AppRoutes />
      </MemoryRouter>
    </Providers>,
  );
  return { ...view, user, client };
}
