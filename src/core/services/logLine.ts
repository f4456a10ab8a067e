// The service log's line format, written by the service host and read by `service logs --json` and the editor:
//   <ISO time> HOST <text>                       the host itself (starts, swaps, restarts)
//   <ISO time> BUILD <text>                      an image build (container targets)
//   [gen N] <ISO time> <LEVEL> [<request id>] <text>   a line of the scoring instance of generation N
// Instance lines carry their generation so that, during and after an update, two instances' lines can be told apart.

export interface LogLine {
  /** The line as written. */
  line: string;
  source: 'host' | 'build' | 'instance';
  generation: number | undefined;
  time: string | undefined;
  level: string | undefined;
  requestId: string | undefined;
  message: string;
}

/** The prefix the host puts in front of each line of an instance of that generation. */
export function generationTag(generation: number): string {
  return `[gen ${generation}] `;
}

const tagged = /^\[gen (\d+)\] (.*)$/;
const stamped = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) (HOST|BUILD|DEBUG|INFO|WARN|ERROR)(?: \[([^\]\s]{1,100})\])? ?(.*)$/;

export function parseLogLine(line: string): LogLine {
  const tag = tagged.exec(line);
  const rest = tag ? (tag[2] ?? '') : line;
  const generation = tag ? Number(tag[1]) : undefined;
  const m = stamped.exec(rest);
  if (!m) return { line, source: tag ? 'instance' : 'host', generation, time: undefined, level: undefined, requestId: undefined, message: rest };
  const [, time, kind, requestId, message] = m;
  const source = kind === 'HOST' ? 'host' : kind === 'BUILD' ? 'build' : 'instance';
  return { line, source, generation, time, level: source === 'instance' ? kind : undefined, requestId: source === 'instance' ? requestId : undefined, message: message ?? '' };
}
