/**
 * "Required tool or loud skip", for the tests that need an operating-system tool the README lists
 * as an optional prerequisite (chromium for test/browser, cfn-lint for test/ops/template.test.ts).
 *
 *   const chromium = requiredTool({ name: 'chromium', path: '/usr/bin/chromium', install: 'sudo apt-get install chromium' });
 *   describe.skipIf(!chromium.available)('...', () => { ... });
 *
 * Present: `available` is true. Absent outside CI: a notice on stderr naming the tool, the tests
 * it skips and the install line, and `available` false. Absent with CI=true: it throws at import
 * time, so the test file fails with that message instead of silently skipping in CI.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

export interface ToolRequirement {
  /** What the README calls it. */
  name: string;
  /** An absolute executable path to look for... */
  path?: string;
  /** ...or a command found on PATH (run as `command --version`). */
  command?: string;
  /** The line that installs it (shown in the notice and the CI failure). */
  install: string;
  /** What is skipped without it (defaults to the test file's checks). */
  skips?: string;
}

export interface ToolStatus {
  available: boolean;
  /** The executable to run: `path`, or `command`. */
  executable: string;
}

function executableExists(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function commandRuns(command: string): boolean {
  const run = spawnSync(command, ['--version'], { stdio: 'ignore', timeout: 30_000 });
  return !run.error && run.status === 0;
}

export function isCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

export function requiredTool(tool: ToolRequirement): ToolStatus {
  const executable = tool.path ?? tool.command;
  if (!executable) throw new Error(`requiredTool(${tool.name}): give a path or a command`);
  const available = tool.path ? executableExists(tool.path) : commandRuns(executable);
  if (available) return { available, executable };
  const where = tool.path ?? `${executable} on PATH`;
  const what = tool.skips ?? 'the checks that need it';
  if (isCi()) {
    throw new Error(`${tool.name} is required under CI=true but ${where} is missing (${what}). Install it: ${tool.install}`);
  }
  process.stderr.write(
    `\n[allot] SKIPPED: ${what}: ${tool.name} not found (${where}). Optional prerequisite; install it with: ${tool.install}\n` +
      `[allot] (with CI=true a missing ${tool.name} fails the run instead)\n\n`,
  );
  return { available, executable };
}
