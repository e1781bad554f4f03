import { Client } from 'pg';
import { connectionPorts, terminateConnections } from './supervisor';
import { adminDatabaseUrl, LOCAL, localRolePassword } from './world-access';

const ROLE = 'cardlink_gateway';

function roleClient(): Client {
  return new Client({ host: LOCAL.pgHost, port: LOCAL.pgPort, user: ROLE, password: localRolePassword(ROLE), database: LOCAL.testDatabase });
}

describe("terminating a run's Postgres connections", () => {
  it("finds this process's connection to Postgres by its local port", async () => {
    const client = roleClient();
    await client.connect();
    try {
      const { rows } = await client.query<{ port: number }>('SELECT inet_client_port() AS port');
      expect(connectionPorts([process.pid], LOCAL.pgPort)).toContain(rows[0]?.port);
      expect(connectionPorts([process.pid], 1)).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it("terminates the processes' connections of the given roles and no other", async () => {
    const mine = roleClient();
    await mine.connect();
    const errors: Error[] = [];
    mine.on('error', (error) => errors.push(error));
    try {
      expect(await terminateConnections(adminDatabaseUrl(LOCAL.testDatabase), LOCAL.pgPort, [process.pid], ['cardlink_orders'])).toBe(0);
      expect(await terminateConnections(adminDatabaseUrl(LOCAL.testDatabase), LOCAL.pgPort, [process.pid], [ROLE])).toBe(1);
      await expect(mine.query('SELECT 1')).rejects.toThrow();
      expect(errors.map((e) => e.message).join('\n')).toMatch(/terminat/);
    } finally {
      await mine.end().catch(() => undefined);
    }
  });
});
