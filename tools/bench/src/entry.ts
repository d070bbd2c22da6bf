/** @file Bundle entry: tfjs-core's gradients (for the tfjs-layers peer), the backends, then the runner. */
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
export { main } from './main.js'
