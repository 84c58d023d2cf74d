import { spawn } from 'node:child_process';

export class ExternalCommandError extends Error {}

/** Runs a program (no shell) and resolves when it exits 0; otherwise rejects with the tail of stderr. */
export function runProgram(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        new ExternalCommandError(
          error.code === 'ENOENT' ? `${command} is not installed (needed for this command)` : `${command}: ${error.message}`,
        ),
      );
    });
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new ExternalCommandError(`${command} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
  });
}
