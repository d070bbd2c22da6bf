#!/usr/bin/env bash
# Creates .venv with the reference libraries (real Keras 3 on JAX, ONNX, ONNX Runtime, OpenVINO).
# Used by .ci/run and by developers; idempotent.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
stamp="$venv/.requirements.sha"
want="$(sha256sum "$root/tools/python/requirements.txt" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/tools/python/requirements.txt"
  echo "$want" > "$stamp"
fi
KERAS_BACKEND=jax "$venv/bin/python" -c "import keras, jax; print('python references ready: keras', keras.__version__, 'jax', jax.__version__)"
