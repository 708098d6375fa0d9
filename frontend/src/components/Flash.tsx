import { useEffect, useRef } from "react";

/**
 * The outcome of the last action ("Face blurred. Checking again…"), announced and given
 * focus so keyboard and screen-reader users land on it after the button they pressed has
 * gone away. `stamp` changes with every action, so the same words are announced again.
 */
export function Flash({ message, stamp, tone = "ok" }: { message: string | null; stamp?: number; tone?: "ok" | "info" }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (message) box.current?.focus();
  }, [message, stamp]);
  return (
    <div ref={box} tabIndex={-1} role="status" className={message ? `flash flash--${tone}` : "flash flash--empty"}>
      {message}
    </div>
  );
}
