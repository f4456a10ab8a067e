// The VS Code debug configuration that attaches to a service's Node inspector: in a container (sources mapped
// from the entry script's folder to /var/azureml-app/source) or in a local process (same paths). Pure, so the
// extension's Debug in Docker / Debug Locally commands and their tests share it.
import { sourceDir as imageSourceDir } from './buildContext';

export interface AttachConfiguration {
  type: 'node';
  request: 'attach';
  name: string;
  address: string;
  port: number;
  localRoot?: string;
  remoteRoot?: string;
  sourceMaps: true;
  /** TypeScript entry scripts are compiled in memory with an inline source map that names the .ts file. */
  resolveSourceMapLocations: string[];
  skipFiles: string[];
  /** Keep the service running when the debugger detaches. */
  restart: false;
  continueOnAttach: true;
}

export interface DebugTarget {
  serviceName: string;
  computeType: 'local' | 'docker';
  /** The loopback port the inspector is published on. */
  inspectorPort: number;
  /** The folder shipped with the entry script (in a container: /var/azureml-app/source). */
  sourceDir: string | undefined;
}

export function attachConfiguration(target: DebugTarget): AttachConfiguration {
  const config: AttachConfiguration = {
    type: 'node',
    request: 'attach',
    name: `Modelport: ${target.serviceName} (${target.computeType === 'docker' ? 'Docker' : 'local'})`,
    address: '127.0.0.1',
    port: target.inspectorPort,
    sourceMaps: true,
    resolveSourceMapLocations: ['**', '!**/node_modules/**'],
    skipFiles: ['<node_internals>/**', '**/node_modules/**', '**/server/cli.js', '**/dist/cli.js'],
    restart: false,
    continueOnAttach: true,
  };
  if (target.computeType === 'docker' && target.sourceDir) {
    config.localRoot = target.sourceDir;
    config.remoteRoot = imageSourceDir;
  }
  return config;
}
