// Runs a command that dies with the test run: `node scripts/tied.mjs OWNER_PID -- command args...`
//
// The Playwright configs start their web servers through this, with their own pid as OWNER: the
// command runs in its own process group, and a watchdog kills that group when the owner (the
// `playwright test` process) or this wrapper is gone, so even a run killed with SIGKILL leaves
// no server behind. Exits with the command's status; SIGINT/SIGTERM/SIGHUP are passed on.
import { spawn } from 'node:child_process';
import { guardGroup } from './engines.mjs';

const [ownerArg, sep, cmd, ...args] = process.argv.slice(2);
const owner = Number(ownerArg);
if (!(owner > 0) || sep !== '--' || !cmd) {
  console.error('usage: node scripts/tied.mjs OWNER_PID -- command [args...]');
  process.exit(2);
}
const child = spawn(cmd, args, { detached: true, stdio: 'inherit' });
const pgid = /** @type {number} */ (child.pid);
guardGroup(pgid, [owner, process.pid]);
const stop = (/** @type {NodeJS.Signals} */ sig) => { try { process.kill(-pgid, sig); } catch { /* gone */ } };
for (const sig of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) process.on(sig, () => stop(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
