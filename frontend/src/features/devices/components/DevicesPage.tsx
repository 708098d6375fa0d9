import { Link, useParams } from "react-router";
import { Page } from "../../../components/Page";
import { SchoolDevices, type SchoolRef } from "./SchoolDevices";

/**
 * Trust administrators' tablets screen. `schools` are the schools where the user is a
 * trust administrator (the app passes them in; features do not read each other's data).
 */
export function DevicesPage({ schools }: { schools: SchoolRef[] }) {
  const { schoolId } = useParams();
  const chosen =
    schoolId === undefined
      ? schools.length === 1
        ? schools[0]
        : undefined
      : schools.find((school) => String(school.id) === schoolId);

  if (schools.length === 0) {
    return (
      <Page title="Devices">
        <p>Only a trust administrator can enrol or revoke tablets.</p>
      </Page>
    );
  }
  if (schoolId !== undefined && !chosen) {
    return (
      <Page title="Devices">
        <p>No such school among yours.</p>
        <Link to="/devices">Choose a school</Link>
      </Page>
    );
  }
  if (!chosen) {
    return (
      <Page title="Devices">
        <p>Choose the school whose tablets you want to manage.</p>
        <ul className="link-list">
          {schools.map((school) => (
            <li key={school.id}>
              <Link to={`/devices/${school.id}`}>{school.name}</Link>
            </li>
          ))}
        </ul>
      </Page>
    );
  }
  return (
    <Page title={`Devices at ${chosen.name}`}>
      <p>
        Posts can only be submitted from an enrolled tablet. Enrol each school tablet here, then
        paste its credential into <em>This tablet</em> on that tablet.
      </p>
      {schools.length > 1 ? (
        <p>
          <Link to="/devices">Choose another school</Link>
        </p>
      ) : null}
      <SchoolDevices key={chosen.id} school={chosen} />
    </Page>
  );
}
