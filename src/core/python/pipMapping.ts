// A conda environment turned into pip requirements, for machines without conda: conda package names mapped to
// pip names (most are the same), version pins translated (`numpy=1.26` → `numpy==1.26.*`, build strings
// dropped), Azure-only packages left out because Modelport provides what scripts import from them, and
// conda-only packages (system libraries) named in a warning.
import type { PythonEnvironmentSpec } from './environmentFile';

/** Conda names whose pip name differs. */
const condaToPip: Readonly<Record<string, string>> = {
  'py-xgboost': 'xgboost',
  'py-lightgbm': 'lightgbm',
  pytorch: 'torch',
  'pytorch-cpu': 'torch',
  torchvision: 'torchvision',
  'tensorflow-cpu': 'tensorflow-cpu',
  opencv: 'opencv-python-headless',
  'py-opencv': 'opencv-python-headless',
  pillow: 'pillow',
  'scikit-learn': 'scikit-learn',
  sklearn: 'scikit-learn',
  'python-dateutil': 'python-dateutil',
  pyyaml: 'pyyaml',
  msgpack: 'msgpack',
  'onnxruntime-cpu': 'onnxruntime',
};

/** Conda packages with no pip equivalent: native libraries and conda's own plumbing. */
const condaOnly = new Set([
  'mkl', 'mkl-service', 'mkl_fft', 'mkl_random', 'nomkl', 'blas', 'libblas', 'libcblas', 'liblapack', 'openblas', 'libopenblas',
  'cudatoolkit', 'cudnn', 'libgcc-ng', 'libstdcxx-ng', 'libgomp', '_libgcc_mutex', '_openmp_mutex', 'ca-certificates', 'openssl',
  'conda', 'libffi', 'ncurses', 'readline', 'sqlite', 'tk', 'xz', 'zlib', 'libuuid', 'ld_impl_linux-64',
  'intel-openmp', 'tbb', 'libcurl', 'krb5', 'bzip2', 'tzdata',
]);

/** Packages Modelport satisfies itself: the Azure ML inference stack the reference image carries. */
export function isProvidedByModelport(pipName: string): boolean {
  const n = pipName.toLowerCase().replace(/_/g, '-');
  return n.startsWith('azureml-') || n === 'azureml' || n === 'azure-ml-inference-server-http' || n === 'azureml-inference-server-http';
}

/** inference-schema is installed when pip can find it; otherwise Modelport's own implementation serves. */
export function isInferenceSchema(pipName: string): boolean {
  return pipName.toLowerCase().replace(/_/g, '-') === 'inference-schema';
}

export interface PipPlan {
  /** Requirement lines pip must install. */
  requirements: string[];
  /** Requirement lines installed when possible (inference-schema): a failure leaves Modelport's implementation serving. */
  optional: string[];
  /** Left out because Modelport provides them (azureml-defaults…). */
  providedByModelport: string[];
  warnings: string[];
}

function nameOf(requirement: string): string {
  return (/^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(requirement)?.[0] ?? requirement).toLowerCase();
}

/** `numpy=1.26` → `numpy==1.26.*`; `numpy=1.26.4=py311h…` → `numpy==1.26.4`; `x>=1,<2` stays. */
export function condaSpecToPip(spec: string): { name: string; requirement: string } {
  const s = spec.replace(/^[A-Za-z0-9_.-]+::/, '').trim();
  const m = /^([A-Za-z0-9_.-]+)\s*(.*)$/.exec(s);
  const name = (m?.[1] ?? s).toLowerCase();
  let version = (m?.[2] ?? '').replace(/\s+/g, '');
  if (version.startsWith('=') && !version.startsWith('==')) {
    const [v] = version.slice(1).split('=');
    version = v === undefined || v === '' ? '' : v.includes('*') ? `==${v}` : /^\d+(\.\d+)?$/.test(v) ? `==${v}.*` : `==${v}`;
  } else if (version.startsWith('==')) {
    version = `==${version.slice(2).split('=')[0]}`;
  }
  return { name, requirement: `${condaToPip[name] ?? name}${version}` };
}

export function planPipInstall(spec: PythonEnvironmentSpec): PipPlan {
  const plan: PipPlan = { requirements: [], optional: [], providedByModelport: [], warnings: [] };
  const add = (requirement: string): void => {
    const name = nameOf(requirement);
    if (isProvidedByModelport(name)) plan.providedByModelport.push(requirement);
    else if (isInferenceSchema(name)) {
      plan.optional.push(requirement);
      // Its extras' own dependencies are needed either way (numpy-support, pandas-support).
      const extras = /\[([^\]]+)\]/.exec(requirement)?.[1]?.split(',').map((e) => e.trim()) ?? [];
      if (extras.includes('numpy-support')) plan.requirements.push('numpy');
      if (extras.includes('pandas-support')) plan.requirements.push('pandas');
    } else plan.requirements.push(requirement);
  };
  const unmapped: string[] = [];
  for (const conda of spec.condaPackages) {
    const { name, requirement } = condaSpecToPip(conda);
    if (condaOnly.has(name)) {
      unmapped.push(conda);
      continue;
    }
    add(requirement);
  }
  for (const pip of spec.pipPackages) {
    if (/^-/.test(pip)) {
      // --index-url, --extra-index-url, -f: pip options belong to pip's own configuration here.
      plan.warnings.push(`pip option "${pip}" in ${spec.file} is not passed on: set it in pip's configuration (pip config set …), which Modelport's pip honours.`);
      continue;
    }
    add(pip);
  }
  if (unmapped.length > 0) plan.warnings.push(`Conda packages with no pip equivalent, left out of the pip environment: ${unmapped.join(', ')}. Install conda (or mamba, micromamba) to get them.`);
  if (plan.providedByModelport.length > 0) plan.warnings.push(`Provided by Modelport, not installed: ${plan.providedByModelport.join(', ')}.`);
  return plan;
}
