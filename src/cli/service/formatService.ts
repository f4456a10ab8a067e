// How a service reads on a terminal: its state first, then where to call it and how.
import type { ServiceStatus } from '../../core/services/types';
import { formatDate, sanitizeText } from '../common/output';

/** Where on its target a service runs, when the target has places (a cluster's context and namespace). */
function targetWhere(s: ServiceStatus): string {
  return s.target.kind === 'kubernetes' ? ` (context ${s.target.context}, namespace ${s.target.namespace}, ${s.target.serviceType})` : '';
}

export function formatService(s: ServiceStatus): string {
  const lines = [
    `${s.name}  ${s.state}${s.detail ? ` (${s.detail})` : ''}`,
    `  target:       ${s.computeType}${targetWhere(s)}${s.targetDetail ? ` (${s.targetDetail})` : ''}`,
    `  models:       ${s.models.join(', ') || '(none)'}`,
  ];
  if (s.replicas) lines.push(`  replicas:     ${s.replicas.ready}/${s.replicas.desired} ready`);
  if (s.target.kind === 'kubernetes' && s.target.portForwardCommand) lines.push(`  from here:    ${s.target.portForwardCommand}`);
  if (s.entryScript) lines.push(`  entry script: ${s.entryScript}`);
  if (s.python) {
    const py = s.python;
    const runs = py.executable ? `Python ${py.version ?? '?'} (${py.executable})` : s.computeType === 'docker' ? "the image's python3" : (py.interpreter ?? 'python3');
    lines.push(`  python:       ${runs}${py.environmentFile ? `, environment ${py.environmentFile}` : ''}`);
  }
  const workers = s.workers ?? s.python?.workers;
  if (workers !== undefined) lines.push(`  workers:      ${workers} (${s.python ? 'Python worker processes' : 'server processes sharing the port'})`);
  lines.push(`  scoring URI:  ${s.scoringUri || '(not started)'}`, `  swagger URI:  ${s.swaggerUri || '(not started)'}`);
  const authHint = s.authMode === 'key' ? ` (modelport service keys ${s.name})` : s.authMode === 'token' ? ` (modelport service token ${s.name})` : '';
  lines.push(`  auth:         ${s.authMode}${authHint}`);
  if (s.corsOrigins.length > 0) lines.push(`  CORS origins: ${s.corsOrigins.join(', ')}`);
  lines.push(`  timeout:      ${s.timeoutMs} ms`, `  generation:   ${s.generation} (updated ${formatDate(s.updatedTime)})`);
  return sanitizeText(lines.join('\n')) + '\n';
}
