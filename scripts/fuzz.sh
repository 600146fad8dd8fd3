#!/usr/bin/env bash
# Builds the card's libFuzzer targets with clang (-fsanitize=fuzzer,address) in build/fuzz and runs each for a
# bounded time (UK_FUZZ_SECONDS, default 20) from its corpus in tests/fuzz/corpus. New inputs go to a scratch
# directory, never into the repository; a crash leaves its reproducer in build/fuzz/artifacts and fails the run.
# scripts/test.sh calls this after ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${UK_FUZZ_SECONDS:-20}"
build=build/fuzz  # the "fuzz" preset (clang, UK_FUZZ=ON)
targets=(fuzz_apdu fuzz_tlv fuzz_certificate fuzz_image_header fuzz_card_session)
mkdir -p build
cmake --preset fuzz > "$build.configure.log" 2>&1 || { cat "$build.configure.log"; exit 1; }
cmake --build "$build" --target "${targets[@]}" -j2
mkdir -p "$build/artifacts"
status=0
for t in "${targets[@]}"; do
    scratch="$build/corpus-$t"
    mkdir -p "$scratch"
    echo "fuzz.sh: $t for ${seconds}s"
    if ! "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$t-" "$scratch" "tests/fuzz/corpus/$t" > "$build/$t.log" 2>&1; then
        echo "fuzz.sh: $t FAILED (see $build/$t.log and $build/artifacts)"
        tail -30 "$build/$t.log"
        status=1
    else
        grep -E "stat::number_of_executed_units|cov:" "$build/$t.log" | tail -2 || true
    fi
done
exit $status
