import { Suspense, useEffect, useState } from "react";
import { NavLink, Outlet, useLocation, useOutletContext } from "react-router";
import { Loading } from "../components/Loading";
import { SignOutButton } from "../features/auth/components/SignOutButton";
import { TakedownsBanner } from "../features/publishing/components/TakedownsBanner";
import { PublishingBanner } from "../features/queue/components/PublishingBanner";
import { roleNames, type Me } from "../features/auth/api/session";
import { BackgroundWorkBanner } from "./BackgroundWorkBanner";
import { navFor } from "./roles";

/** The signed-in user, for any screen inside the layout. */
export function useSignedInUser(): Me {
  return useOutletContext<Me>();
}

export function Layout({ me }: { me: Me }) {
  const roles = roleNames(me);
  const items = navFor(roles);
  const schools = [...new Map(me.memberships.map((m) => [m.school_id, { id: m.school_id, name: m.school_name }])).values()];
  // On a phone the menu folds away behind one button (CSS shows the button only on narrow
  // screens), so a screen starts with its content rather than five rows of links.
  const [menuOpen, setMenuOpen] = useState(false);
  const { pathname } = useLocation();
  useEffect(() => setMenuOpen(false), [pathname]);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header__top">
          <NavLink to="/" className="brand">
            School post queue
          </NavLink>
          <div className="who">
            <span className="who__name">{me.full_name || me.email}</span>
            <SignOutButton />
          </div>
        </div>
        <nav aria-label="Main">
          <button
            type="button"
            className="menu-toggle"
            aria-expanded={menuOpen}
            aria-controls="main-menu"
            onClick={() => setMenuOpen((open) => !open)}
          >
            <span className="menu-toggle__bars" aria-hidden="true" />
            {menuOpen ? "Close menu" : "Menu"}
          </button>
          <ul className={menuOpen ? "nav nav--open" : "nav"} id="main-menu">
            <li>
              <NavLink to="/" end>
                Home
              </NavLink>
            </li>
            {items.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.exact ?? false}>
                  {item.label}
                </NavLink>
              </li>
            ))}
            <li>
              <NavLink to="/this-tablet">This tablet</NavLink>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" className="main">
        {roles.has("leader") || roles.has("trust_admin") ? <BackgroundWorkBanner /> : null}
        <PublishingBanner schools={schools} canControl={roles.has("leader") || roles.has("trust_admin")} />
        {roles.has("leader") ? <TakedownsBanner /> : null}
        <Suspense fallback={<Loading />}>
          <Outlet context={me} />
        </Suspense>
      </main>
    </div>
  );
}
