"""Golden data for kx's fit(): real Keras 3 (JAX) trains small models from fixed weights on fixed data
(shuffle=False), recording per-epoch logs and final weights. Writes packages/trainers/test/golden/fit.json."""
import json, os
os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np
import keras

def weights_for(model):
    rng = np.random.default_rng(7)
    return [rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()]

def case(name, layers, x, y, compile_kwargs, fit_kwargs):
    model = keras.Sequential(layers)
    init = weights_for(model)
    model.set_weights(init)
    model.compile(**compile_kwargs)
    h = model.fit(x, y, shuffle=False, verbose=0, **fit_kwargs)
    ev = model.evaluate(x, y, verbose=0, return_dict=True)
    return {
        "name": name,
        "x": x.tolist(), "y": y.tolist(),
        "init": [w.tolist() for w in init],
        "history": {k: [float(v) for v in vs] for k, vs in h.history.items()},
        "evaluate": {k: float(v) for k, v in ev.items()},
        "final": [w.tolist() for w in model.get_weights()],
    }

rng = np.random.default_rng(0)
x = rng.normal(size=(40, 3)).astype("float32")
y_reg = (x[:, :1] * 2 - x[:, 1:2] + 0.5 * x[:, 2:3] ** 2).astype("float32")
y_cls = (np.argmax(x @ np.array([[1, -1, 0], [0, 1, -1], [1, 0, 1]], "float32"), axis=1)).astype("int32")
cases = [
    case("mlp_adam_mse", [keras.Input((3,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)], x, y_reg,
         dict(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"]),
         dict(epochs=5, batch_size=8, validation_split=0.25)),
    case("mlp_sgd_momentum_sparse_cce", [keras.Input((3,)), keras.layers.Dense(6, activation="relu"), keras.layers.Dense(3, activation="softmax")], x, y_cls,
         dict(optimizer=keras.optimizers.SGD(0.1, momentum=0.9), loss="sparse_categorical_crossentropy", metrics=["accuracy"]),
         dict(epochs=4, batch_size=16)),
]
out = os.path.join(os.path.dirname(__file__), "../../packages/trainers/test/golden/fit.json")
with open(out, "w") as f:
    json.dump({"keras_version": keras.__version__, "cases": cases}, f)
print("wrote", out)
