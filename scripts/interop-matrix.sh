#!/usr/bin/env bash
# Runs the interoperability matrix (crates/engine/tests/interop_matrix.rs) against
# openssl s_server, gnutls-serv and an in-process rustls server, and writes the results to
# docs/interop-matrix.md (or the file given as the first argument, relative to the repository
# root). Needs `openssl` and `gnutls-serv` (Debian: openssl, gnutls-bin) on PATH.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT="${1:-docs/interop-matrix.md}"
mkdir -p "$(dirname "$OUT")"
OXISSL_MATRIX_OUT="$OUT" cargo test -p oxissl-engine --test interop_matrix -- --nocapture
echo "matrix written to $OUT"
