// The `modelport.docker.runArgs` setting reaches the service host the way the core reads extra run arguments:
// MODELPORT_DOCKER_RUN_ARGS (split on whitespace), which the host inherits from the extension host's
// environment. What the variable held before Modelport touched it (an engine's own arguments, set before
// VS Code started) is kept in front; the setting's current value follows, so changing it replaces it.
import { argsFromEnv } from '../../core/docker/engineArgs';

const original = new WeakMap<NodeJS.ProcessEnv, string | undefined>();

export function applyDockerRunArgs(settingArgs: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  if (!original.has(env)) {
    if (settingArgs.length === 0) return;
    original.set(env, env.MODELPORT_DOCKER_RUN_ARGS);
  }
  const args = [...argsFromEnv(original.get(env)), ...settingArgs.flatMap((a) => argsFromEnv(a))];
  if (args.length > 0) env.MODELPORT_DOCKER_RUN_ARGS = args.join(' ');
  else delete env.MODELPORT_DOCKER_RUN_ARGS;
}
