import type { IconName, Tone } from "../lib/post";
import { Icon } from "./Icon";

/** A status in words with an icon; the colour only repeats what the words say. */
export function StatusBadge({ label, tone, icon, prefix }: { label: string; tone: Tone; icon: IconName; prefix?: string }) {
  return (
    <span className={`status status--${tone}`}>
      <Icon name={icon} />
      {prefix ? <span className="visually-hidden">{prefix} </span> : null}
      {label}
    </span>
  );
}
