import { errorMessages } from "../../../lib/errors";
import { useSignOut } from "../api/session";

export function SignOutButton({ className = "button button--secondary" }: { className?: string }) {
  const signOut = useSignOut();
  const problem = errorMessages(signOut.error).top[0];
  return (
    <>
      <button
        type="button"
        className={className}
        disabled={signOut.isPending}
        onClick={() => signOut.mutate()}
      >
        {signOut.isPending ? "Signing out…" : "Sign out"}
      </button>
      {problem ? (
        <span className="inline-error" role="alert">
          {problem}
        </span>
      ) : null}
    </>
  );
}
