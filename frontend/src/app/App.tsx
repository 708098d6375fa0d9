import { useState } from "react";
import { createBrowserRouter, RouterProvider } from "react-router";
import { Providers } from "./providers";
import { appRoutes } from "./routes";

export function App() {
  // A data router, made once: pages with unsaved text can then hold an in-app navigation and ask.
  const [router] = useState(() => createBrowserRouter(appRoutes));
  return (
    <Providers>
      <RouterProvider router={router} />
    </Providers>
  );
}
