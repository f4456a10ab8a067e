// Extra arguments an engine needs (Podman here: `--network slirp4netns` on run), from the environment.
// Split on whitespace: one argument per word, no shell quoting.

export function argsFromEnv(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter(Boolean);
}

export function extraRunArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  return argsFromEnv(env.MODELPORT_DOCKER_RUN_ARGS);
}

export function extraBuildArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  return argsFromEnv(env.MODELPORT_DOCKER_BUILD_ARGS);
}
