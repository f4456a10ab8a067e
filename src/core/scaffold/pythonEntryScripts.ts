// Python entry scripts (score.py) as Azure ML users write them: init() loads the model once, run() scores. For a
// model with an ONNX signature, run() is schema-typed with inference-schema decorators whose samples follow the
// signature (and it scores with onnxruntime); for any other model (a pickle, a joblib file), init() loads it with
// joblib and run(raw_data) takes Azure's {"data": [...]} body.
import type { OnnxElementType } from '../onnx/signature';
import type { ScaffoldModel } from './scaffoldRequest';
import { sampleShape } from './signatureSamples';

const numpyDtype: Readonly<Record<OnnxElementType, string>> = {
  float32: 'float32', float64: 'float64', float16: 'float16', int8: 'int8', int16: 'int16', int32: 'int32', int64: 'int64',
  uint8: 'uint8', uint16: 'uint16', uint32: 'uint32', uint64: 'uint64', bool: 'bool', string: 'object',
};

function pyString(s: string): string {
  return JSON.stringify(s).replace(/^"|"$/g, "'").replace(/\\"/g, '"');
}

function pyIdentifier(name: string, used: Set<string>): string {
  let id = name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1') || 'input';
  if (id === 'request_headers') id = 'request_headers_'; // that name receives the request's headers
  while (used.has(id)) id = `${id}_`;
  used.add(id);
  return id;
}

function sampleLiteral(type: OnnxElementType, shape: number[]): string {
  const fill = type === 'string' ? "''" : type === 'bool' ? 'False' : '0';
  return `np.full(${JSON.stringify(shape)}, ${fill}, dtype=${JSON.stringify(numpyDtype[type])})`;
}

/** A joblib score.py: `Model.get_model_path(name)` in init(), `json.loads(raw_data)['data']` in run(). */
export function pythonPickleScript(model: ScaffoldModel | undefined): string {
  const name = model?.name ?? 'model';
  return `# Entry script for model ${pyString(name)}, in Azure ML's form: Modelport runs it unchanged (and so does Azure).
# init() runs once per worker process; run(raw_data) runs for every request, with the body as text.
import json
import logging

import joblib
import numpy as np
from azureml.core.model import Model

model = None


def init():
    global model
    # The registered file, under its original name, in azureml-models/<name>/<version>/.
    model_path = Model.get_model_path(${pyString(name)})
    model = joblib.load(model_path)
    logging.info("Loaded %s", model_path)


def run(raw_data):
    # {"data": [[feature, ...], ...]}: one row per prediction.
    data = np.array(json.loads(raw_data)["data"])
    predictions = model.predict(data)
    # Return plain Python values: json.dumps cannot serialise numpy arrays.
    return predictions.tolist()
`;
}

/** A schema-typed score.py for an ONNX model: one decorated parameter per input, scored with onnxruntime. */
export function pythonOnnxScript(model: ScaffoldModel): string {
  const signature = model.signature;
  if (!signature) return pythonPickleScript(model);
  const used = new Set<string>();
  const inputs = signature.inputs.map((i) => ({ spec: i, id: pyIdentifier(i.name, used) }));
  const output = signature.outputs[0];
  const decorators = inputs.map((i) => `@input_schema(${pyString(i.id)}, NumpyParameterType(${sampleLiteral(i.spec.type, sampleShape(i.spec.shape))}))`);
  const outputDecorator = output ? [`@output_schema(NumpyParameterType(${sampleLiteral(output.type, sampleShape(output.shape))}))`] : [];
  const feeds = inputs.map((i) => `${pyString(i.spec.name)}: ${i.id}`).join(', ');
  return `# Entry script for the ONNX model ${pyString(model.name)}: run() is schema-typed by inference-schema decorators whose
# samples follow the model's signature, so the service checks requests (415, 400) and swagger documents them.
# Needs numpy and onnxruntime in the environment (env.yml).
import os

import numpy as np
import onnxruntime as ort
from azureml.core.model import Model
from inference_schema.parameter_types.numpy_parameter_type import NumpyParameterType
from inference_schema.schema_decorators import input_schema, output_schema

session = None


def init():
    global session
    path = Model.get_model_path(${pyString(model.name)})
    if os.path.isdir(path):  # a registered folder: the .onnx file inside it
        path = os.path.join(path, next(f for f in sorted(os.listdir(path)) if f.endswith(".onnx")))
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])


${[...decorators, ...outputDecorator].join('\n')}
def run(${inputs.map((i) => i.id).join(', ')}):
    outputs = session.run(None, {${feeds}})
    # tolist(): json.dumps cannot serialise numpy arrays.
    return outputs[0].tolist()
`;
}

/** A conda environment file for a score.py, in Azure's shape. */
export function condaEnvironmentText(name: string, forOnnx: boolean): string {
  const packages = forOnnx ? ['numpy'] : ['numpy', 'scikit-learn'];
  const pip = forOnnx ? ['azureml-defaults', 'inference-schema[numpy-support]', 'onnxruntime'] : ['azureml-defaults', 'joblib'];
  return `# The Python environment of the entry script, in Azure ML's conda format. Modelport creates it once per content
# (with conda, mamba or micromamba when installed, else a venv with these names mapped to pip) and reuses it.
# Add debugpy under pip: to debug run() with VS Code's Python debugger (Modelport: Debug Locally).
name: ${name}
channels:
  - conda-forge
dependencies:
  - python=3.11
${packages.map((p) => `  - ${p}`).join('\n')}
  - pip:
${pip.map((p) => `    - ${p}`).join('\n')}
`;
}
