// Docker CLI commands as descriptions: the argument array to run and how to read what it prints. Nothing here
// runs a process; a DockerRunner (dockerCliRunner.ts, or a fake in tests) does. Argument arrays, never shell
// strings, so Docker and Podman's docker-compatible CLI both take them as they are.
import { containerInspectSchema, imageInspectSchema, versionSchema, type ContainerInspect, type DockerVersion, type ImageInspect } from './dockerSchemas';

export interface DockerCommand<T> {
  command: 'docker';
  args: string[];
  parse(stdout: string): T;
}

export interface DockerRunOptions {
  /** Each output line (stdout and stderr) as it comes: build progress, container logs. */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
  /** Written to the command's standard input, then closed (`login --password-stdin`: never an argument). */
  stdin?: string;
}

export interface DockerRunner {
  /** Runs the command; rejects with EngineUnreachableError or DockerCommandError when it fails. */
  run<T>(command: DockerCommand<T>, options?: DockerRunOptions): Promise<T>;
}

/** Labels on every image and container Modelport makes, so they can be found and removed. */
export const serviceLabel = 'modelport.service';
export const generationLabel = 'modelport.generation';

function describe<T>(args: string[], parse: (stdout: string) => T): DockerCommand<T> {
  return { command: 'docker', args, parse };
}

const lines = (stdout: string): string[] =>
  stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

const parseJson = <T>(schema: { parse(v: unknown): T }) => (stdout: string): T => schema.parse(JSON.parse(stdout));

function labelArgs(labels: Readonly<Record<string, string>>): string[] {
  return Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
}

export function versionCommand(): DockerCommand<DockerVersion> {
  return describe(['version', '--format', '{{json .}}'], parseJson(versionSchema));
}

export interface BuildSpec {
  contextDir: string;
  tag: string;
  labels: Readonly<Record<string, string>>;
  buildArgs: Readonly<Record<string, string>>;
  /** Engine-specific arguments (deploymentconfig docker.buildArgs are --build-arg values; these are raw). */
  extraArgs: readonly string[];
}

/** `docker build`; never `--pull`: the base image is whatever the engine has under that name. */
export function buildCommand(spec: BuildSpec): DockerCommand<void> {
  const buildArgs = Object.entries(spec.buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
  return describe(['build', '-t', spec.tag, ...labelArgs(spec.labels), ...buildArgs, ...spec.extraArgs, spec.contextDir], () => undefined);
}

/** The ids of images with this reference (empty when there is none). */
export function imageIdsCommand(reference: string): DockerCommand<string[]> {
  return describe(['image', 'ls', '-q', reference], lines);
}

export function imageInspectCommand(reference: string): DockerCommand<ImageInspect[]> {
  return describe(['image', 'inspect', reference], parseJson(imageInspectSchema));
}

export interface RunSpec {
  name: string;
  image: string;
  labels: Readonly<Record<string, string>>;
  /** Host port (on 127.0.0.1) → container port. */
  ports: ReadonlyArray<{ host: number; container: number }>;
  /** A file of KEY=VALUE lines (credentials): never on the command line, where other users can read it. */
  envFile: string | undefined;
  env: Readonly<Record<string, string>>;
  cpus: number | undefined;
  memoryBytes: number | undefined;
  extraArgs: readonly string[];
  /** Replaces the image's CMD when set. */
  command: readonly string[] | undefined;
}

/** `docker run -d --init`, ports on loopback only. Prints the container id. */
export function runCommand(spec: RunSpec): DockerCommand<string> {
  const args = ['run', '-d', '--init', '--name', spec.name, ...labelArgs(spec.labels)];
  for (const p of spec.ports) args.push('-p', `127.0.0.1:${p.host}:${p.container}`);
  if (spec.envFile) args.push('--env-file', spec.envFile);
  for (const [k, v] of Object.entries(spec.env)) args.push('-e', `${k}=${v}`);
  if (spec.cpus !== undefined) args.push('--cpus', String(spec.cpus));
  if (spec.memoryBytes !== undefined) args.push('--memory', `${Math.round(spec.memoryBytes / 1024 / 1024)}m`);
  args.push(...spec.extraArgs, spec.image, ...(spec.command ?? []));
  return describe(args, (stdout) => lines(stdout).at(-1) ?? '');
}

export function containerInspectCommand(container: string): DockerCommand<ContainerInspect[]> {
  return describe(['container', 'inspect', container], parseJson(containerInspectSchema));
}

/** The container's output; with `follow`, until it stops (or the runner's signal aborts). */
export function logsCommand(container: string, options: { follow?: boolean; tail?: number } = {}): DockerCommand<void> {
  const args = ['logs'];
  if (options.follow) args.push('-f');
  if (options.tail !== undefined) args.push('--tail', String(options.tail));
  return describe([...args, container], () => undefined);
}

/** Blocks until the container stops; its exit code. */
export function waitCommand(container: string): DockerCommand<number> {
  return describe(['wait', container], (stdout) => Number(lines(stdout).at(-1) ?? NaN));
}

export function stopCommand(container: string, graceSeconds: number): DockerCommand<void> {
  return describe(['stop', '-t', String(graceSeconds), container], () => undefined);
}

export function removeContainersCommand(containers: readonly string[]): DockerCommand<void> {
  return describe(['rm', '-f', ...containers], () => undefined);
}

/** Ids of the containers (running or not) carrying `label=value`. */
export function containersWithLabelCommand(label: string, value: string): DockerCommand<string[]> {
  return describe(['ps', '-a', '-q', '--filter', `label=${label}=${value}`], lines);
}

/** `repository:tag` of the images carrying `label=value`. */
export function imagesWithLabelCommand(label: string, value: string): DockerCommand<string[]> {
  return describe(['image', 'ls', '--filter', `label=${label}=${value}`, '--format', '{{.Repository}}:{{.Tag}}'], (stdout) => lines(stdout).filter((l) => !l.includes('<none>')));
}

export function removeImagesCommand(references: readonly string[]): DockerCommand<void> {
  return describe(['image', 'rm', ...references], () => undefined);
}

/** `docker tag SOURCE TARGET`. */
export function tagCommand(source: string, target: string): DockerCommand<void> {
  return describe(['tag', source, target], () => undefined);
}

/** `docker push REFERENCE`; resolves with the pushed manifest's digest when the engine prints it. */
export function pushCommand(reference: string): DockerCommand<string | undefined> {
  return describe(['push', reference], (stdout) => /digest: (sha256:[0-9a-f]{64})/.exec(stdout)?.[1]);
}

/** `docker login SERVER -u USER --password-stdin`: the secret goes through standard input (DockerRunOptions.stdin). */
export function loginCommand(server: string, username: string): DockerCommand<void> {
  return describe(['login', server, '--username', username, '--password-stdin'], () => undefined);
}
