// The `modelport` command line: `modelport <command> [options]`, over the same core the extension uses.
import { closestName } from './core/config/didYouMean';
import { ConfigError } from './core/errors';
import { exitCodeFor, isParseArgsError } from './cli/common/exitCodes';
import { renderError } from './cli/common/renderError';
import { unknownOptionMessage } from './cli/common/unknownOption';
import { modelportVersion } from './core/version';
import { serveCommand, serveUsage } from './cli/serveCommand';
import { modelCommand, modelVerbs } from './cli/model/modelCommand';
import { serviceCommand, serviceVerbs } from './cli/service/serviceCommand';
import { invokeCommand } from './cli/invokeCommand';
import { DockerCliRunner } from './core/docker/dockerCliRunner';
import { runServiceHost } from './serviceHost/serviceHost';
import { processInstances } from './serviceHost/processInstanceSpec';
import { dockerContainerInstances } from './serviceHost/dockerContainerInstance';
import { runReaper } from './serviceHost/containerReaper';

/** `deploy, list, …`, wrapped under the summary column. */
function verbNames(verbs: ReadonlyArray<{ name: string }>): string {
  const words = verbs.map((v) => v.name);
  const lines: string[] = [];
  for (const word of words) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + word.length + 2 <= 48) lines[lines.length - 1] = `${last}, ${word}`;
    else lines.push(word);
  }
  return lines.join(',\n               ');
}

const usage = `Usage: modelport <command> [options]

Commands:
  model        ${verbNames(modelVerbs)}
  service      ${verbNames(serviceVerbs)}
  invoke       call a service with its credentials
  serve        run a scoring service in the foreground
  version      print the version

Every command takes --help (modelport model --help, modelport service deploy --help…).

Exit codes: 0 success, 1 failure, 2 bad usage or configuration, 3 entry script init() failed,
4 no such model, version or service, 130 cancelled.
`;

const commands = ['model', 'service', 'invoke', 'serve', 'version', 'help'];

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'model':
      return modelCommand(rest);
    case 'service':
      return serviceCommand(rest);
    case 'invoke':
      return invokeCommand(rest);
    case 'serve':
      return serveCommand(rest);
    case 'service-host': {
      // Internal: the detached process that keeps a local service running (started by `service deploy`).
      const [dir] = rest;
      if (!dir) throw new ConfigError('service-host needs the service folder.');
      // The instances each target kind runs: one line per target that runs on this machine.
      return runServiceHost(dir, {
        local: processInstances({ nodePath: process.execPath, cliPath: __filename }),
        docker: dockerContainerInstances(__filename, new DockerCliRunner()),
      });
    }
    case 'reap-container': {
      // Internal: removes a container once the service host that started it is gone (see containerReaper.ts).
      const [id] = rest;
      if (!id) throw new ConfigError('reap-container needs a container id.');
      return runReaper(id, new DockerCliRunner());
    }
    case 'version':
    case '--version':
      process.stdout.write(`${modelportVersion}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      (command === undefined ? process.stderr : process.stdout).write(usage);
      return command === undefined ? 2 : 0;
    default: {
      const close = closestName(command, commands);
      process.stderr.write(renderError(`Unknown command '${command}'.${close ? ` Did you mean 'modelport ${close}'?` : ''}`, "Run 'modelport --help' to see the commands."));
      return 2;
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // `serve` and `service-host` throw to here; the nouns and invoke render their own errors.
    const hint = isParseArgsError(err) ? "Run 'modelport serve --help' for usage." : undefined;
    process.stderr.write(renderError(unknownOptionMessage(err, 'modelport serve', serveUsage) ?? err, hint));
    process.exitCode = exitCodeFor(err);
  },
);
