// The `modelport` command line: `modelport <command> [options]`, over the same core the extension uses.
import { ConfigError, errorMessage } from './core/errors';
import { exitCodeFor } from './cli/common/exitCodes';
import { modelportVersion } from './core/version';
import { serveCommand } from './cli/serveCommand';
import { modelCommand } from './cli/model/modelCommand';
import { serviceCommand } from './cli/service/serviceCommand';
import { invokeCommand } from './cli/invokeCommand';
import { DockerCliRunner } from './core/docker/dockerCliRunner';
import { runServiceHost } from './serviceHost/serviceHost';
import { processInstances } from './serviceHost/processInstanceSpec';
import { dockerContainerInstances } from './serviceHost/dockerContainerInstance';
import { runReaper } from './serviceHost/containerReaper';

const usage = `Usage: modelport <command> [options]

Commands:
  model        register, list, show, download and delete models   (modelport model --help)
  service      deploy, list, show, logs, update, delete, keys, regen-key, token
                                                                   (modelport service --help)
  invoke       call a service with its credentials                 (modelport invoke --help)
  serve        run a scoring service in the foreground             (modelport serve --help)
  version      print the version

Exit codes: 0 success, 1 failure, 2 bad usage or configuration, 3 entry script init() failed,
4 no such model, version or service, 130 cancelled.
`;

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
      process.stdout.write(usage);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`Unknown command '${command}'.\n\n${usage}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`modelport: ${errorMessage(err)}\n`);
    process.exitCode = exitCodeFor(err);
  },
);
