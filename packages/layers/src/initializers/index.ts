/** @file The `keras.initializers` namespace: initializer classes and `get` / `serialize` / `deserialize`. */
export { Initializer, Zeros, Ones, Constant, IdentityInitializer, IdentityInitializer as Identity, STFT, STFT as STFTInitializer } from './Initializer.js'
export type { ConstantArgs, IdentityArgs, STFTArgs } from './Initializer.js'
export {
  RandomInitializer, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling, GlorotNormal, GlorotUniform, HeNormal, HeUniform,
  LecunNormal, LecunUniform, Orthogonal, Orthogonal as OrthogonalInitializer, computeFans,
} from './random.js'
export type { InitializerSeed, RandomNormalArgs, RandomUniformArgs, VarianceScalingArgs, PresetArgs, OrthogonalArgs } from './random.js'
export { get, serialize, deserialize, initializerRegistry } from './registry.js'
export type { InitializerFn, InitializerIdentifier } from './registry.js'
