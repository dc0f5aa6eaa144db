// The live console (services/console) in local mode: what it is told about the system it watches, and the
// address `./lab up` prints, with the admin token in the URL fragment (a browser never sends a fragment to a
// server, so the token is in no request line and no server log).
export const LIVE_CONSOLE = 'console';

/** The console's environment: every service on this machine at `offset`, and the chaos API when there is one. */
export function liveConsoleEnv(offset: number, chaos?: { port: number; token: string }): Record<string, string> {
  return {
    TARGETS: 'local',
    TARGET_PORT_OFFSET: String(offset),
    ...(chaos ? { CHAOS_URL: `http://127.0.0.1:${chaos.port}`, CHAOS_TOKEN: chaos.token } : {}),
  };
}

/** Where to open the console: its page, the admin token in the fragment. */
export const liveConsoleUrl = (consoleUrl: string, adminToken: string) =>
  `${consoleUrl}/#token=${encodeURIComponent(adminToken)}`;
