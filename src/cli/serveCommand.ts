// `modelport serve`: the scoring service in the foreground.
import { parseArgs } from 'node:util';
import { entryScriptExtensionList } from '../core/entryScriptFiles';
import { resolveServeOptions } from '../server/options';
import { serve } from '../server/main';

export const serveUsage = `Usage: modelport serve [options]

Serves ONNX models and/or an entry script over the Azure ML scoring API (/score) and the
Open Inference Protocol (/v2) on one port.

Options:
  --model [NAME[:VERSION]=]PATH  a model file or folder (repeatable)      env AZUREML_MODEL_DIR
  --entry-script FILE            ${entryScriptExtensionList().padEnd(39)}  env AZUREML_ENTRY_SCRIPT
  --source-dir DIR               folder of the entry script and swagger   env AZUREML_SOURCE_DIRECTORY
  --port N                       default 5001 (0 picks a free port)       env SERVER_PORT
  --host ADDR                    default 127.0.0.1 (0.0.0.0 in containers)
  --timeout-ms N                 scoring timeout, default 60000           env SCORING_TIMEOUT_MS
  --watchdog-ms N                exit (SIGKILL, 137) when the event loop is blocked this long,
                                 e.g. by a run() that never returns; default timeout + 5000,
                                 at least 120000 while starting; 0 turns it off
                                                                          env MODELPORT_WATCHDOG_MS
  --cors-origins LIST            comma-separated origins or *             env AML_CORS_ORIGINS
  --log-level LEVEL              debug | info | warn | error              env AZUREML_LOG_LEVEL
  --max-body-bytes N             request body limit, default 64 MiB
  --max-batch-size N             rows per model run when batching, default 32  env MODELPORT_MAX_BATCH_SIZE
  --max-batch-delay-ms N         longest wait for a batch to fill, default 0   env MODELPORT_MAX_BATCH_DELAY_MS
  --no-batching                  run every request alone                  env MODELPORT_BATCHING=off
  --intra-op-threads N           onnxruntime threads per run, default 1   env MODELPORT_INTRA_OP_THREADS
  --graph-optimization LEVEL     disabled | basic | extended | all        env MODELPORT_GRAPH_OPTIMIZATION
  --inference-workers N|auto     worker threads running each model; default auto: the main thread
                                 until a model's runs hold it for 4 ms, then one thread per core
                                 (0: always the main thread)              env MODELPORT_INFERENCE_WORKERS
  --python PATH                  the interpreter that runs a score.py, default python3 on PATH
                                                                          env MODELPORT_PYTHON
  --workers N                    processes that score, default 1          env WORKER_COUNT
                                 (N server processes sharing the port; for a score.py, N Python
                                 worker processes; 1 under the Node inspector)
  --max-rows N                   rows per request, default 10000 (413 beyond)  env MODELPORT_MAX_ROWS
  --max-tensor-bytes N           decoded input bytes per request, default 64 MiB
                                                                          env MODELPORT_MAX_TENSOR_BYTES
  --max-images N                 images per request, default 32           env MODELPORT_MAX_IMAGES
  --max-concurrent-requests N    scoring requests run at once, default no limit
                                                                          env MODELPORT_MAX_CONCURRENT_REQUESTS
  --max-queue-wait-ms N          wait for a slot before 503, default 500  env MODELPORT_MAX_QUEUE_WAIT_MS

Authentication comes from the environment only (never the command line, which others can read):
  MODELPORT_AUTH_MODE=key with MODELPORT_PRIMARY_KEY / MODELPORT_SECONDARY_KEY, or
  MODELPORT_AUTH_MODE=token with MODELPORT_TOKEN_SECRET.
`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string', multiple: true },
      'entry-script': { type: 'string' },
      'source-dir': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'timeout-ms': { type: 'string' },
      'cors-origins': { type: 'string' },
      'log-level': { type: 'string' },
      'max-body-bytes': { type: 'string' },
      'watchdog-ms': { type: 'string' },
      'max-batch-size': { type: 'string' },
      'max-batch-delay-ms': { type: 'string' },
      'no-batching': { type: 'boolean' },
      'intra-op-threads': { type: 'string' },
      'graph-optimization': { type: 'string' },
      'inference-workers': { type: 'string' },
      python: { type: 'string' },
      workers: { type: 'string' },
      'max-rows': { type: 'string' },
      'max-tensor-bytes': { type: 'string' },
      'max-images': { type: 'string' },
      'max-concurrent-requests': { type: 'string' },
      'max-queue-wait-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(serveUsage);
    return 0;
  }
  const options = resolveServeOptions(
    {
      model: values.model,
      entryScript: values['entry-script'],
      sourceDir: values['source-dir'],
      port: values.port,
      host: values.host,
      timeoutMs: values['timeout-ms'],
      corsOrigins: values['cors-origins'],
      logLevel: values['log-level'],
      maxBodyBytes: values['max-body-bytes'],
      watchdogMs: values['watchdog-ms'],
      runtime: {
        maxBatchSize: values['max-batch-size'],
        maxBatchDelayMs: values['max-batch-delay-ms'],
        batching: values['no-batching'] ? false : undefined,
        intraOpThreads: values['intra-op-threads'],
        graphOptimization: values['graph-optimization'],
        workers: values['inference-workers'],
      },
      python: { python: values.python },
      workers: values.workers,
      limits: {
        maxRows: values['max-rows'],
        maxTensorBytes: values['max-tensor-bytes'],
        maxImages: values['max-images'],
        maxConcurrent: values['max-concurrent-requests'],
        maxQueueWaitMs: values['max-queue-wait-ms'],
      },
    },
    process.env,
  );
  return serve(options);
}
