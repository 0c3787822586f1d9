import type { PresenceOut } from "../protocol";
import { tabsLabel } from "./labels";

const ROLE_ORDER = { interviewer: 0, candidate: 1, observer: 2 } as const;

export function PresenceList({ presence }: { presence: ReadonlyMap<number, PresenceOut> }) {
  const people = [...presence.values()].sort(
    (a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.name.localeCompare(b.name),
  );
  return (
    <ul className="room-presence" data-testid="presence-list" aria-label="In the room">
      {people.length === 0 ? <li className="room-presence__empty">Nobody is connected yet</li> : null}
      {people.map((person) => (
        <li key={person.user_id} className="room-presence__person">
          <span className="room-presence__dot" aria-hidden="true" />
          <span className="room-presence__name">{person.name}</span>{" "}
          <span className="room-presence__role">{person.role}</span>
          {person.connections > 1 ? (
            <>
              {" "}
              <span className="room-presence__tabs">{tabsLabel(person.connections)}</span>
            </>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
