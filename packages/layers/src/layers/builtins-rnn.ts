/** @file Registers the recurrent and attention layers for deserialization under Keras's class names and aliases (called from `registerBuiltinLayers`). */
import { registerLayerModules } from './builtins-table.js'
import * as rnn from './rnn/RNN.js'
import * as stackedRnnCells from './rnn/StackedRNNCells.js'
import * as simpleRnn from './rnn/SimpleRNN.js'
import * as gru from './rnn/GRU.js'
import * as lstm from './rnn/LSTM.js'
import * as bidirectional from './rnn/Bidirectional.js'
import * as timeDistributed from './rnn/TimeDistributed.js'
import * as convLstm from './rnn/ConvLSTM.js'
import * as attention from './attention/Attention.js'
import * as multiHeadAttention from './attention/MultiHeadAttention.js'
import * as groupedQueryAttention from './attention/GroupedQueryAttention.js'

/** The modules this registrar loads eagerly (keys of `LAYER_MODULES`). */
export const MODULES_RNN = {
  'rnn/RNN': rnn, 'rnn/StackedRNNCells': stackedRnnCells, 'rnn/SimpleRNN': simpleRnn, 'rnn/GRU': gru, 'rnn/LSTM': lstm,
  'rnn/Bidirectional': bidirectional, 'rnn/TimeDistributed': timeDistributed, 'rnn/ConvLSTM': convLstm,
  'attention/Attention': attention, 'attention/MultiHeadAttention': multiHeadAttention, 'attention/GroupedQueryAttention': groupedQueryAttention,
} as const

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
  registerLayerModules(MODULES_RNN)
}
