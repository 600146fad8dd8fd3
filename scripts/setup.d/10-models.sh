#!/usr/bin/env bash
# Fetches the face models (issue 5) from the npm registry with `npm pack`, checks each tarball and each model file
# against scripts/setup.d/models.sha256 and unpacks them into <repo>/models/ (gitignored):
#   @vladmandic/face-api@1.7.15            -> models/dlib_resnet_v1_tfjs/  (dlib ResNet, TensorFlow.js uint8 tensors)
#   faceplugin-face-recognition-js@0.0.1   -> models/faceplugin/          (fr_feature.onnx embedder, fr_liveness.onnx)
# Skips everything when the files are present and valid; fails loudly (exit 1) on any checksum mismatch.
# UK_MODELS_DIR overrides the destination, UK_MODELS_SUMS the checksum file (tests).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
sums=${UK_MODELS_SUMS:-$root/scripts/setup.d/models.sha256}
dest=${UK_MODELS_DIR:-$root/models}

file_sums() { grep -v '^#' "$sums" | grep -v ' npm/' | grep -v '^$'; }
tarball_sum() { grep " npm/$1\$" "$sums" | awk '{print $1}'; }

if [ -d "$dest" ] && (cd "$dest" && file_sums | sha256sum --quiet --strict -c - >/dev/null 2>&1); then
    echo "10-models: models present and valid in $dest"
    exit 0
fi

command -v npm >/dev/null || { echo "10-models: ERROR: npm is missing (apt-get install nodejs)" >&2; exit 1; }
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# fetch PACKAGE@VERSION TARBALL then pairs of (path inside the tarball, destination under models/)
fetch() {
    local spec=$1 tarball=$2
    shift 2
    local want got
    want=$(tarball_sum "$tarball")
    [ -n "$want" ] || { echo "10-models: ERROR: no checksum for $tarball in $sums" >&2; exit 1; }
    (cd "$work" && npm pack --silent "$spec" >/dev/null) || {
        echo "10-models: ERROR: npm pack $spec failed (is the npm registry reachable?)" >&2
        exit 1
    }
    got=$(sha256sum "$work/$tarball" | awk '{print $1}')
    if [ "$got" != "$want" ]; then
        echo "10-models: ERROR: checksum mismatch for $tarball: got $got, expected $want" >&2
        exit 1
    fi
    mkdir -p "$work/x-$tarball"
    tar -xzf "$work/$tarball" -C "$work/x-$tarball"
    while [ $# -gt 0 ]; do
        mkdir -p "$(dirname "$dest/$2")"
        cp "$work/x-$tarball/$1" "$dest/$2.part"
        mv "$dest/$2.part" "$dest/$2"
        shift 2
    done
    echo "10-models: unpacked $spec"
}

fetch @vladmandic/face-api@1.7.15 vladmandic-face-api-1.7.15.tgz \
    package/model/face_recognition_model.bin dlib_resnet_v1_tfjs/face_recognition_model.bin \
    package/model/face_recognition_model-weights_manifest.json \
    dlib_resnet_v1_tfjs/face_recognition_model-weights_manifest.json \
    package/LICENSE dlib_resnet_v1_tfjs/LICENSE
fetch faceplugin-face-recognition-js@0.0.1 faceplugin-face-recognition-js-0.0.1.tgz \
    package/model/fr_feature.onnx faceplugin/fr_feature.onnx \
    package/model/fr_liveness.onnx faceplugin/fr_liveness.onnx \
    package/LICENSE faceplugin/LICENSE

if ! (cd "$dest" && file_sums | sha256sum --quiet --strict -c -); then
    echo "10-models: ERROR: a model file in $dest does not match $sums; the files were left for inspection" >&2
    exit 1
fi
echo "10-models: models ready in $dest"
