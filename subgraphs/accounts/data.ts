export interface UserRow {
  id: string;
  username: string;
  name: string;
  email: string;
  /** ISO 8601, UTC. */
  createdAt: string;
}

/**
 * Which example user each consumer is, for `Query.me`: Gatehouse names the consumer it
 * authenticated in `x-gatehouse-consumer`. A consumer named like a user's `username` is that
 * user too (`alice`, `bkowalski`, …); any other consumer, or an anonymous caller, is nobody.
 */
export const userIdsByConsumer: ReadonlyMap<string, string> = new Map([
  ['demo', 'u1'],
  ['acme-mobile', 'u2'],
  ['acme-backend', 'u3'],
]);

export const users: readonly UserRow[] = [
  { id: 'u1', username: 'alice', name: 'Alice Moreau', email: 'alice.moreau@example.com', createdAt: '2022-01-14T09:12:00Z' },
  { id: 'u2', username: 'bkowalski', name: 'Bartosz Kowalski', email: 'bartosz@example.com', createdAt: '2022-02-03T16:45:00Z' },
  { id: 'u3', username: 'chen.wei', name: 'Chen Wei', email: 'chen.wei@example.com', createdAt: '2022-03-21T08:30:00Z' },
  { id: 'u4', username: 'dana_r', name: 'Dana Rivera', email: 'dana.rivera@example.com', createdAt: '2022-04-09T12:00:00Z' },
  { id: 'u5', username: 'efe', name: 'Efe Okonkwo', email: 'efe.okonkwo@example.com', createdAt: '2022-05-30T19:20:00Z' },
  { id: 'u6', username: 'fhansen', name: 'Freja Hansen', email: 'freja.hansen@example.com', createdAt: '2022-07-02T07:05:00Z' },
  { id: 'u7', username: 'gabe', name: 'Gabriel Souza', email: 'gabriel.souza@example.com', createdAt: '2022-08-18T14:40:00Z' },
  { id: 'u8', username: 'hana.s', name: 'Hana Sato', email: 'hana.sato@example.com', createdAt: '2022-10-11T22:15:00Z' },
  { id: 'u9', username: 'ivan', name: 'Ivan Petrov', email: 'ivan.petrov@example.com', createdAt: '2022-11-27T10:50:00Z' },
  { id: 'u10', username: 'jmurphy', name: 'Julia Murphy', email: 'julia.murphy@example.com', createdAt: '2023-01-08T11:11:00Z' },
  { id: 'u11', username: 'kofi', name: 'Kofi Mensah', email: 'kofi.mensah@example.com', createdAt: '2023-02-19T17:35:00Z' },
  { id: 'u12', username: 'lena.b', name: 'Lena Braun', email: 'lena.braun@example.com', createdAt: '2023-04-04T06:25:00Z' },
  { id: 'u13', username: 'mateo', name: 'Mateo García', email: 'mateo.garcia@example.com', createdAt: '2023-05-23T13:00:00Z' },
  { id: 'u14', username: 'nadia', name: 'Nadia Haddad', email: 'nadia.haddad@example.com', createdAt: '2023-07-15T09:45:00Z' },
  { id: 'u15', username: 'oscar.l', name: 'Oscar Lindqvist', email: 'oscar.lindqvist@example.com', createdAt: '2023-09-01T15:30:00Z' },
  { id: 'u16', username: 'priya', name: 'Priya Raman', email: 'priya.raman@example.com', createdAt: '2023-10-28T20:10:00Z' },
  { id: 'u17', username: 'quinn', name: 'Quinn Taylor', email: 'quinn.taylor@example.com', createdAt: '2024-01-06T08:00:00Z' },
  { id: 'u18', username: 'rosa.m', name: 'Rosa Martínez', email: 'rosa.martinez@example.com', createdAt: '2024-02-29T18:55:00Z' },
  { id: 'u19', username: 'sam.k', name: 'Samuel Kim', email: 'samuel.kim@example.com', createdAt: '2024-04-17T12:20:00Z' },
  { id: 'u20', username: 'tomas', name: 'Tomás Novák', email: 'tomas.novak@example.com', createdAt: '2024-06-30T23:59:00Z' },
];

export const usersById: ReadonlyMap<string, UserRow> = new Map(users.map((user) => [user.id, user]));

const usersByUsername: ReadonlyMap<string, UserRow> = new Map(users.map((user) => [user.username, user]));

/** The example user a consumer (as named in `x-gatehouse-consumer`) is, if any. */
export function userOfConsumer(consumer: string | null): UserRow | undefined {
  if (!consumer) return undefined;
  const id = userIdsByConsumer.get(consumer);
  return id === undefined ? usersByUsername.get(consumer) : usersById.get(id);
}
