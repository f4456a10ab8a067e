// The small config file that sits beside a model and says how raw inputs become tensors and how outputs
// become answers. `model.json` in a model folder, or `<stem>.model.json` beside a single `.onnx` file.
import { z } from 'zod';

export const preprocessSchema = z
  .object({
    /** Which model input the image tensor feeds; default: the model's first input. */
    input: z.string().optional(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    /** How the decoded image is fitted to width×height: `cover` resizes then centre-crops, `fill` stretches, `contain` letterboxes. */
    fit: z.enum(['cover', 'fill', 'contain']).default('cover'),
    /** Resize the short side to this size first, then centre-crop width×height (the "resize 256, crop 224" recipe). */
    resizeShortSide: z.number().int().positive().optional(),
    channels: z.enum(['grayscale', 'rgb', 'bgr']).default('rgb'),
    layout: z.enum(['NCHW', 'NHWC']).default('NCHW'),
    dtype: z.enum(['float32', 'uint8']).default('float32'),
    /** Applied to 0..255 pixel values before mean/std: 1/255 gives 0..1. */
    scale: z.number().positive().default(1 / 255),
    mean: z.array(z.number()).optional(),
    std: z.array(z.number().positive()).optional(),
    /** Invert intensities (for models trained on light-on-dark images, such as MNIST-style data). */
    invert: z.boolean().default(false),
  })
  .strict();

export const postprocessSchema = z
  .object({
    kind: z.literal('classification').default('classification'),
    /** Which output holds the class scores; default: the model's first output. */
    output: z.string().optional(),
    topK: z.number().int().positive().default(3),
    /** `auto` applies softmax when the scores are not already a probability distribution. */
    softmax: z.union([z.boolean(), z.literal('auto')]).default('auto'),
    /** A text file with one label per line, relative to the model config. */
    labels: z.string().optional(),
  })
  .strict();

export const modelConfigSchema = z
  .object({
    description: z.string().optional(),
    preprocess: preprocessSchema.optional(),
    postprocess: postprocessSchema.optional(),
  })
  .strict();

export type PreprocessSpec = z.output<typeof preprocessSchema>;
export type PostprocessSpec = z.output<typeof postprocessSchema>;
export type ModelConfig = z.output<typeof modelConfigSchema>;
