/** Role names as the API sends them, in plain English, and what each role's menu offers. */
export const ROLE_LABELS: Record<string, string> = {
  staff: "Staff",
  leader: "Leadership team",
  dsl: "Designated safeguarding lead",
  consent_admin: "Consent administrator",
  trust_admin: "Trust administrator",
};

export function roleLabel(role: string): string {
  return ROLE_LABELS[role] ?? role;
}

export interface NavItem {
  to: string;
  label: string;
  /** Shown to anyone holding one of these roles at any of their schools. */
  roles: readonly string[];
  /** Highlight only on this exact path (so "My posts" is not lit on "New post"). */
  exact?: boolean;
}

export const ROLE_NAV: readonly NavItem[] = [
  // Who may write posts: moderation/services.py AUTHOR_ROLES.
  { to: "/posts/new", label: "New post", roles: ["staff", "leader", "dsl"] },
  { to: "/posts", label: "My posts", roles: ["staff", "leader", "dsl"], exact: true },
  { to: "/queue", label: "Approval queue", roles: ["leader"] },
  { to: "/publishing", label: "Publishing", roles: ["leader", "trust_admin"] },
  { to: "/takedowns", label: "Takedowns", roles: ["leader"] },
  { to: "/comments", label: "Comments", roles: ["leader", "dsl"] },
  { to: "/consent", label: "Consent", roles: ["staff", "leader", "dsl", "consent_admin", "trust_admin"] },
  { to: "/devices", label: "Devices", roles: ["trust_admin"] },
  { to: "/channels", label: "Channels", roles: ["trust_admin"] },
  { to: "/roles", label: "Roles", roles: ["trust_admin"] },
];

export function navFor(roles: ReadonlySet<string>): NavItem[] {
  return ROLE_NAV.filter((item) => item.roles.some((role) => roles.has(role)));
}
