// The VS Code debug configuration that attaches the Python Debugger (debugpy, the ms-python.debugpy extension) to
// the first Python worker of a service deployed with debug: the worker listens on a loopback port and the files are
// where they are (local services run the script from its own folder). Pure, for the command and its tests.
export interface PythonAttachConfiguration {
  type: 'debugpy';
  request: 'attach';
  name: string;
  connect: { host: string; port: number };
  pathMappings: Array<{ localRoot: string; remoteRoot: string }>;
  justMyCode: boolean;
}

export function pythonAttachConfiguration(serviceName: string, port: number, sourceDir: string | undefined): PythonAttachConfiguration {
  return {
    type: 'debugpy',
    request: 'attach',
    name: `Modelport: ${serviceName} (Python, local)`,
    connect: { host: '127.0.0.1', port },
    pathMappings: sourceDir ? [{ localRoot: sourceDir, remoteRoot: sourceDir }] : [],
    justMyCode: true,
  };
}
