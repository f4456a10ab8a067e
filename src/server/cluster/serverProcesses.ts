// How many server processes `modelport serve` runs for its `--workers N` / WORKER_COUNT. One setting, as in Azure's
// inference server (gunicorn's worker count): N processes that score. For a score.py those are Python worker
// processes behind one Node server (Python is the part that needs the cores, and N Node processes each with N
// Python workers would run N² interpreters); for ONNX models and JavaScript entry scripts they are N Node server
// processes sharing the port (src/server/cluster/primary.ts).
import { isPythonScript } from '../scoring/python/pythonOptions';

export interface ServerProcessPlan {
  /** Node server processes sharing the port (1: this process serves alone). */
  processes: number;
  /** Why fewer processes than asked, said once at start-up. */
  note?: string;
}

export function serverProcessPlan(workers: number, entryScript: string | undefined, inspectorOn: boolean): ServerProcessPlan {
  if (workers <= 1) return { processes: 1 };
  if (isPythonScript(entryScript)) return { processes: 1 };
  // A debugger attaches to one process, and breakpoints must stop the requests it is asked to debug: every
  // request goes to that one process.
  if (inspectorOn) return { processes: 1, note: `The Node inspector is on: 1 server process instead of ${workers} (--workers / WORKER_COUNT), so that every request reaches the debugged one.` };
  return { processes: workers };
}
