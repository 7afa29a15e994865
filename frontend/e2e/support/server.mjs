// Starts the real Tsunagu server on a fresh SQLite database and a free port, serving the
// built SPA from frontend/dist. Builds nothing: the binary and dist must exist.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const FRONTEND_DIR = resolve(here, '../..');
export const REPO_DIR = resolve(FRONTEND_DIR, '..');

export const ADMIN_LOGIN = 'admin';
export const ADMIN_PASSWORD = 'Tsunagu-e2e-Admin-2026!';

/**
 * @typedef {object} RunningServer
 * @property {string} url   base URL, e.g. http://127.0.0.1:40123
 * @property {string} dbPath  the SQLite file, for a test that must make time pass (a day gone by)
 * @property {() => string} log  everything the server printed so far
 * @property {() => Promise<void>} stop
 */

/** @returns {Promise<RunningServer>} */
export async function startServer() {
  const binary = process.env.TSUNAGU_BIN ?? join(REPO_DIR, 'target/debug/tsunagu');
  const spaDir = join(FRONTEND_DIR, 'dist');
  if (!existsSync(binary)) {
    throw new Error(`server binary not found at ${binary}: run \`cargo build -p tsunagu-server\` first`);
  }
  if (!existsSync(join(spaDir, 'index.html'))) {
    throw new Error(`no built SPA in ${spaDir}: run \`npm run build\` first`);
  }

  const dataDir = mkdtempSync(join(tmpdir(), 'tsunagu-e2e-'));
  const child = spawn(binary, ['serve'], {
    cwd: dataDir,
    env: {
      ...process.env,
      TSUNAGU_DATABASE_URL: `sqlite://${join(dataDir, 'e2e.db')}`,
      TSUNAGU_LISTEN: '127.0.0.1:0',
      TSUNAGU_ADMIN_LOGIN: ADMIN_LOGIN,
      TSUNAGU_ADMIN_PASSWORD: ADMIN_PASSWORD,
      TSUNAGU_SPA_DIR: spaDir,
      // The webhook tests deliver to a receiver on this machine, which the server refuses
      // unless told it is an allowed exception.
      TSUNAGU_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let output = '';
  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));

  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not report its address in 60 s:\n${output}`)), 60_000);
    const onData = (/** @type {Buffer} */ chunk) => {
      output += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => {
      output += chunk.toString();
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening (${JSON.stringify(how)}):\n${output}`));
    });
  });

  return {
    url: /** @type {string} */ (url),
    dbPath: join(dataDir, 'e2e.db'),
    log: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
