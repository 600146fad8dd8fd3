#!/usr/bin/env bash
# scripts/setup.d/10-models.sh: fetches into an empty folder, skips when valid, repairs a damaged model file, and
# fails loudly (exit 1, "mismatch") when a checksum does not match. Needs the npm registry.
set -euo pipefail
script="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export UK_MODELS_DIR="$dir/models"
"$script" > "$dir/first.log"
grep -q "models ready" "$dir/first.log" || { echo "first run did not finish"; cat "$dir/first.log"; exit 1; }
test -s "$UK_MODELS_DIR/faceplugin/fr_feature.onnx"
test -s "$UK_MODELS_DIR/dlib_resnet_v1_tfjs/face_recognition_model.bin"
"$script" | grep -q "present and valid" || { echo "second run did not skip"; exit 1; }
echo corrupt >> "$UK_MODELS_DIR/faceplugin/fr_liveness.onnx"
"$script" | grep -q "models ready" || { echo "damaged file was not repaired"; exit 1; }
sed 's/^afa783b7/00a783b7/' "$(dirname "$script")/models.sha256" > "$dir/bad.sha256"
rm -rf "$UK_MODELS_DIR"
if UK_MODELS_SUMS="$dir/bad.sha256" "$script" > "$dir/bad.log" 2>&1; then
    echo "a wrong checksum was accepted"; exit 1
fi
grep -q "does not match\|mismatch" "$dir/bad.log" || { echo "no clear message:"; cat "$dir/bad.log"; exit 1; }
echo "10-models.sh: 4 checks passed"
