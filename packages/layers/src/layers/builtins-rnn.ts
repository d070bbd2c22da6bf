/** @file Registers the recurrent and attention layers for deserialization under Keras's class names and aliases (called from `registerBuiltinLayers`). */
import { layerRegistry, type Deserializable } from '../engine/serialization.js'
import { RNN } from './rnn/RNN.js'
import { StackedRNNCells } from './rnn/StackedRNNCells.js'
import { SimpleRNN, SimpleRNNCell } from './rnn/SimpleRNN.js'
import { GRU, GRUCell } from './rnn/GRU.js'
import { LSTM, LSTMCell } from './rnn/LSTM.js'
import { Bidirectional } from './rnn/Bidirectional.js'
import { TimeDistributed } from './rnn/TimeDistributed.js'
import { ConvLSTM1D, ConvLSTM2D, ConvLSTM3D, ConvLSTMCell } from './rnn/ConvLSTM.js'
import { AdditiveAttention, Attention } from './attention/Attention.js'
import { MultiHeadAttention } from './attention/MultiHeadAttention.js'
import { GroupedQueryAttention } from './attention/GroupedQueryAttention.js'

// Keras class name first, then the export aliases Keras also accepts in configs.
const RNN_BUILTINS: [unknown, ...string[]][] = [
  [RNN, 'RNN'], [StackedRNNCells, 'StackedRNNCells'], [SimpleRNN, 'SimpleRNN'], [SimpleRNNCell, 'SimpleRNNCell'],
  [GRU, 'GRU'], [GRUCell, 'GRUCell'], [LSTM, 'LSTM'], [LSTMCell, 'LSTMCell'],
  [Bidirectional, 'Bidirectional'], [TimeDistributed, 'TimeDistributed'],
  [ConvLSTM1D, 'ConvLSTM1D'], [ConvLSTM2D, 'ConvLSTM2D'], [ConvLSTM3D, 'ConvLSTM3D'], [ConvLSTMCell, 'ConvLSTMCell'],
  [Attention, 'Attention'], [AdditiveAttention, 'AdditiveAttention'], [MultiHeadAttention, 'MultiHeadAttention'],
  [GroupedQueryAttention, 'GroupedQueryAttention', 'GroupQueryAttention'],
]

let done = false
/**
 * Idempotent: registers the recurrent and attention layers in `layerRegistry` (Keras class names plus
 * `GroupQueryAttention`/`GroupedQueryAttention`).
 *
 * @example
 * ```ts
 * registerBuiltinLayersRnn()
 * deserializeLayer({ class_name: 'GRU', config: { units: 4 } })
 * ```
 */
export function registerBuiltinLayersRnn(): void {
  if (done) return
  done = true
  for (const [cls, ...names] of RNN_BUILTINS) layerRegistry.register(cls as Deserializable, ...names)
}
