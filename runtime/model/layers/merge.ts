// Layers with several inputs: residual `add` (per channel) and channel `concat`.
import * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type { AddLayer } from '../../../simulator/model/schema';
import { activate, channelwise, mixing, registerLayerImpl } from './kind';

registerLayerImpl(channelwise('add', (l, xs, ctx) => activate(xs.length === 2 ? tf.add(xs[0], xs[1]) : tf.addN(xs), (l.layer as z.infer<typeof AddLayer>).activation, ctx)));
registerLayerImpl(mixing('concat', (_l, xs) => tf.concat(xs, -1)));
