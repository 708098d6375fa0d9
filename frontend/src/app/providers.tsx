import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ME_QUERY_KEY } from "../features/auth/api/session";
import { ApiError } from "../lib/api";
import { isSignedOutError } from "../lib/errors";

export function makeQueryClient(): QueryClient {
  // When any call finds the session gone (it expired, or was signed out elsewhere), ask
  // who is signed in again; the session guard then shows the sign-in page.
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      // (The "me" query itself answers null when signed out, so this cannot loop.)
      onError: (error) => {
        if (isSignedOutError(error)) void client.invalidateQueries({ queryKey: ME_QUERY_KEY });
      },
    }),
    mutationCache: new MutationCache({
      onError: (error) => {
        if (isSignedOutError(error)) void client.invalidateQueries({ queryKey: ME_QUERY_KEY });
      },
    }),
    defaultOptions: {
      queries: {
        // Retry only what may pass on a second try: no connection or a server fault.
        retry: (failures, error) =>
          error instanceof ApiError && (error.status === 0 || error.status >= 500) && failures < 2,
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
  return client;
}

export function Providers({ children, client }: { children: ReactNode; client?: QueryClient }) {
  const [queryClient] = useState(() => client ?? makeQueryClient());
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
