// Where the repository's files are, from compiled code (dist/runtime/) and from the .ts sources
// (runtime/, under jest) alike.
import path from 'node:path';

export const REPO_ROOT = __filename.endsWith('.ts') ? path.resolve(__dirname, '..') : path.resolve(__dirname, '../..');

/** The model runs and calibration default to: the scaled-down alexnet-owt. */
export const MINI_OWT_FILE = path.join(REPO_ROOT, 'scenarios', 'models', 'mini-owt.json');

/** The real-data model: an MLP on the mnist package's digits. */
export const MNIST_MLP_FILE = path.join(REPO_ROOT, 'scenarios', 'models', 'mnist-mlp.json');
