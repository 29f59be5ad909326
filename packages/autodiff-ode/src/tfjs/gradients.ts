import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradients of the kernels a vector field is usually written with. `@tensorflow/tfjs-core`
 * has none registered on its own; these follow the definitions in tfjs-core's
 * `src/gradients/*_grad.ts` and are registered only where none exists yet, so loading the full
 * `@tensorflow/tfjs` package alongside changes nothing.
 */
type Saved = tf.Tensor[];
type Attrs = tf.NamedAttrMap;
type GradMap = Record<string, () => tf.Tensor>;

/** Sum `d` over the axes along which `shape` was broadcast to `outShape`, back to `shape`. */
function unbroadcast(d: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, d.shape);
  const r = axes.length > 0 ? tf.sum(d, axes) : d;
  return tf.reshape(r, shape);
}

function unary(
  kernelName: string,
  save: 'x' | 'y',
  fn: (dy: tf.Tensor, v: tf.Tensor) => tf.Tensor,
): tf.GradConfig {
  return save === 'x'
    ? {
        kernelName,
        inputsToSave: ['x'],
        gradFunc: (dy, s: Saved) => ({ x: () => fn(dy as tf.Tensor, s[0]!) }),
      }
    : {
        kernelName,
        outputsToSave: [true],
        gradFunc: (dy, s: Saved) => ({ x: () => fn(dy as tf.Tensor, s[0]!) }),
      };
}

function matMulGrad(): tf.GradConfig {
  return {
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dyIn, saved: Saved, attrs: Attrs) => {
      const dy = dyIn as tf.Tensor3D;
      const [a, b] = saved as [tf.Tensor3D, tf.Tensor3D];
      const ta = attrs['transposeA'] as boolean;
      const tb = attrs['transposeB'] as boolean;
      if (!ta && !tb)
        return { a: () => tf.matMul(dy, b, false, true), b: () => tf.matMul(a, dy, true, false) };
      if (!ta && tb)
        return { a: () => tf.matMul(dy, b, false, false), b: () => tf.matMul(dy, a, true, false) };
      if (ta && !tb)
        return { a: () => tf.matMul(b, dy, false, true), b: () => tf.matMul(a, dy, false, false) };
      return { a: () => tf.matMul(b, dy, true, true), b: () => tf.matMul(dy, a, true, true) };
    },
  };
}

function binary(
  kernelName: string,
  da: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
  db: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (dyIn, saved: Saved) => {
      const dy = dyIn as tf.Tensor;
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      return { a: () => unbroadcast(da(dy, a, b), a.shape), b: () => unbroadcast(db(dy, a, b), b.shape) };
    },
  };
}

function reduceGrad(kernelName: 'Sum' | 'Mean'): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dyIn, saved: Saved, attrs: Attrs) => {
      const x = saved[0]!;
      const axes = tf.util.parseAxisParam(attrs['axis'] as number | number[], x.shape);
      const kept = x.shape.map((n, i) => (axes.includes(i) ? 1 : n));
      let count = 1;
      for (const ax of axes) count *= x.shape[ax]!;
      return {
        x: () => {
          const g = tf.mul(tf.reshape(dyIn as tf.Tensor, kept), tf.ones(x.shape));
          return kernelName === 'Mean' ? tf.div(g, count) : g;
        },
      };
    },
  };
}

function allGradients(): tf.GradConfig[] {
  return [
    matMulGrad(),
    binary(
      'Add',
      (dy) => dy,
      (dy) => dy,
    ),
    binary(
      'Sub',
      (dy) => dy,
      (dy) => tf.neg(dy),
    ),
    binary(
      'Multiply',
      (dy, _a, b) => tf.mul(dy, b),
      (dy, a) => tf.mul(dy, a),
    ),
    binary(
      'RealDiv',
      (dy, _a, b) => tf.div(dy, b),
      (dy, a, b) => tf.neg(tf.div(tf.mul(dy, a), tf.square(b))),
    ),
    binary(
      'Maximum',
      (dy, a, b) => tf.mul(dy, tf.cast(tf.greaterEqual(a, b), 'float32')),
      (dy, a, b) => tf.mul(dy, tf.cast(tf.less(a, b), 'float32')),
    ),
    {
      kernelName: 'AddN',
      saveAllInputs: true,
      gradFunc: (dy, saved: Saved) => {
        const out: GradMap = {};
        saved.forEach((_, i) => {
          out[i] = () => (dy as tf.Tensor).clone();
        });
        return out;
      },
    },
    unary('Neg', 'x', (dy) => tf.neg(dy)),
    unary('Identity', 'x', (dy) => dy.clone()),
    unary('Cast', 'x', (dy) => dy.clone()),
    unary('Tanh', 'y', (dy, y) => tf.mul(dy, tf.sub(1, tf.square(y)))),
    unary('Sigmoid', 'y', (dy, y) => tf.mul(dy, tf.mul(y, tf.sub(1, y)))),
    unary('Softplus', 'x', (dy, x) => tf.mul(dy, tf.sigmoid(x))),
    unary('Relu', 'x', (dy, x) => tf.mul(dy, tf.cast(tf.greater(x, 0), 'float32'))),
    unary('Square', 'x', (dy, x) => tf.mul(dy, tf.mul(x, 2))),
    unary('Exp', 'y', (dy, y) => tf.mul(dy, y)),
    unary('Log', 'x', (dy, x) => tf.div(dy, x)),
    unary('Sqrt', 'x', (dy, x) => tf.div(dy, tf.mul(tf.sqrt(x), 2))),
    unary('Sin', 'x', (dy, x) => tf.mul(dy, tf.cos(x))),
    unary('Cos', 'x', (dy, x) => tf.neg(tf.mul(dy, tf.sin(x)))),
    reduceGrad('Sum'),
    reduceGrad('Mean'),
    {
      kernelName: 'Reshape',
      inputsToSave: ['x'],
      gradFunc: (dy, saved: Saved) => ({ x: () => tf.reshape(dy as tf.Tensor, saved[0]!.shape) }),
    },
    {
      kernelName: 'Transpose',
      gradFunc: (dy, _saved, attrs: Attrs) => {
        const perm = attrs['perm'] as number[];
        const inv = perm.map((_, i) => perm.indexOf(i));
        return { x: () => tf.transpose(dy as tf.Tensor, inv) };
      },
    },
    {
      kernelName: 'Concat',
      saveAllInputs: true,
      gradFunc: (dy, saved: Saved, attrs: Attrs) => {
        const axis = tf.util.parseAxisParam(attrs['axis'] as number, saved[0]!.shape)[0]!;
        const parts = tf.split(
          dy as tf.Tensor,
          saved.map((t) => t.shape[axis]!),
          axis,
        );
        const out: GradMap = {};
        parts.forEach((t, i) => {
          out[i] = () => t;
        });
        return out;
      },
    },
    {
      kernelName: 'Pack',
      saveAllInputs: true,
      gradFunc: (dy, saved: Saved, attrs: Attrs) => {
        const parts = tf.unstack(dy as tf.Tensor, attrs['axis'] as number);
        const out: GradMap = {};
        saved.forEach((_, i) => {
          out[i] = () => parts[i]!;
        });
        return out;
      },
    },
    {
      kernelName: 'Slice',
      inputsToSave: ['x'],
      gradFunc: (dy, saved: Saved, attrs: Attrs) => {
        const x = saved[0]!;
        const [begin, size] = tf.slice_util.parseSliceParams(
          x,
          attrs['begin'] as number[],
          attrs['size'] as number[],
        );
        const pads = x.shape.map((n, i) => [begin[i]!, n - begin[i]! - size[i]!] as [number, number]);
        return { x: () => tf.pad(dy as tf.Tensor, pads) };
      },
    },
  ];
}

let registered = false;

/** Register the gradients above for every kernel that has none yet (idempotent). */
export function registerGradients(): void {
  if (registered) return;
  registered = true;
  for (const g of allGradients()) if (tf.getGradient(g.kernelName) === undefined) tf.registerGradient(g);
}
