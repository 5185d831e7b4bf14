#!/usr/bin/env bash
# samestory's one install command: the package, its model and test tools, Ray (for the
# `--executor ray` tests on a two-node cluster started on this machine), and (where apt is
# available and we are root) Debian's Chromium for the report's browser tests.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m pip install -q -e ".[test,ray,datatrove]"
# the rewrite tier's static screening model, distilled offline from the packaged MiniLM
# (~2 CPU-minutes once; cached in ~/.cache/samestory, $SAMESTORY_STATIC_MODEL to move it)
TQDM_DISABLE=1 python3 -m samestory.rewrite.static_model build
# the judge model exported to ONNX fp32 (same vectors; workers then load no torch), offline
# from the packaged MiniLM (~20 s once; ~/.cache/samestory/minilm-onnx, $SAMESTORY_ONNX_MODEL)
python3 -m samestory.rewrite.onnx_model build
if ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "note: chromium not installed; the report's browser tests will be skipped" >&2
  fi
fi
