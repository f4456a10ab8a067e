// The Azure contract doubles (test/doubles/azure) for the in-editor ACI suite, in a process of their own
// (test/doubles/azure/serveDoubles.ts): the workbench server must start with their CA, authority, endpoint and
// nss_wrapper in its environment, so the extension host inherits them. Without an engine, a registry or nss_wrapper
// the doubles answer only MODELPORT_TEST_AZURE_SKIP (the reason), and the ACI suite skips with it.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RunningAzureDoubles {
  /** For the workbench server (LD_PRELOAD included: give it to nothing else, Chromium does not close under it). */
  env: Record<string, string>;
  /** Ends the doubles, which remove the container groups they run (60 s at most, by their own bound). */
  stop(): Promise<void>;
}

export async function startAzureDoublesProcess(root: string, work: string, log: (line: string) => void): Promise<RunningAzureDoubles> {
  const envFile = join(work, 'azure-doubles.json');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/doubles/azure/serveDoubles.ts'), envFile], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  let exited = false;
  const gone = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    await gone;
  };
  // Starting them takes a CA, two HTTPS servers and an engine check: seconds, longer on a busy machine.
  for (let i = 0; i < 1200 && !existsSync(envFile) && !exited; i++) await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(envFile)) {
    await stop();
    log('the Azure doubles did not start: the ACI suite skips');
    return { env: { MODELPORT_TEST_AZURE_SKIP: 'the Azure doubles did not start' }, stop };
  }
  const env = JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>;
  if (env.MODELPORT_TEST_AZURE_SKIP) log(`ACI suite will skip: ${env.MODELPORT_TEST_AZURE_SKIP}`);
  else log(`Azure doubles up (ARM ${env.MODELPORT_TEST_ARM_DOUBLE}, resolving proxy ${env.MODELPORT_TEST_HTTP_PROXY})`);
  return { env, stop };
}
