#!/usr/bin/env bash
# An unmodified OpenSSL 3 C client (crates/capi/bench/handshakes.c) on the system libssl and on
# oxissl's libssl.so.3, against the same `openssl s_server` on 127.0.0.1 (TLS 1.3, X25519,
# AES-128-GCM, no tickets), in one run. Prints a Markdown table of medians and ratios:
#   - one-shot process: a whole process that makes one handshake (exec, library loading and
#     set-up included), as `curl https://...` does;
#   - first contact: a new SSL_CTX (CA file loaded) per handshake, 1 process, N handshakes;
#   - repeat contact: one SSL_CTX for N handshakes;
#   - download: a 64 MiB file from s_server -WWW, read with SSL_read into a 16 KiB buffer.
# CPU time of the client process (getrusage), so the server's work is not counted.
# Usage: scripts/c-bench.sh [RUNS [N]]. Needs gcc, libssl-dev and the openssl command.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
RUNS="${1:-7}"
N="${2:-200}"
ONESHOTS=20

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --release -q -p oxissl-capi
target="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
mkdir -p "$work/lib"
cp "$target/release/liboxissl_capi.so" "$work/lib/libssl.so.3"
gcc -O2 -Wall -o "$work/handshakes" crates/capi/bench/handshakes.c -lssl -lcrypto

free_port() { # a port nothing listens on now
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
}

port=""
start_server() { # leaf name, then s_server flags; sets $server and $port (not in a subshell,
  # so the trap sees them)
  local leaf="$1"
  shift
  port="$(free_port)"
  openssl s_server -accept "127.0.0.1:$port" -cert "$root/testdata/certs/$leaf.pem" \
    -key "$root/testdata/certs/$leaf.key" -cert_chain "$root/testdata/certs/inter.pem" -tls1_3 \
    -ciphersuites TLS_AES_128_GCM_SHA256 -groups X25519 -num_tickets 0 -no_cache -quiet "$@" \
    </dev/null >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return
    fi
    sleep 0.05
  done
  echo "openssl s_server did not start" >&2
  exit 1
}

stop_server() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
}

median() { sort -n | awk '{v[NR]=$1} END {m=int((NR+1)/2); if (NR%2) print v[m]; else printf "%.1f\n", (v[m]+v[m+1])/2}'; }

run() { # lib(system|oxissl) port mode n -> "per-handshake whole-process"
  if [ "$1" = oxissl ]; then
    LD_LIBRARY_PATH="$work/lib" "$work/handshakes" "$2" testdata/certs/root.pem "$3" "$4"
  else
    "$work/handshakes" "$2" testdata/certs/root.pem "$3" "$4"
  fi
}

# The run must measure our library, not the system's, on the oxissl side.
if ! LD_LIBRARY_PATH="$work/lib" ldd "$work/handshakes" | grep -q "$work/lib/libssl.so.3"; then
  echo "the program does not load oxissl's libssl.so.3" >&2
  exit 1
fi

echo "| client CPU (µs), TLS 1.3 | OpenSSL $(openssl version | awk '{print $2}') | oxissl | oxissl/OpenSSL |"
echo "|---|---:|---:|---:|"
for leaf in ecdsa rsa; do
  start_server "$leaf"
  label="ECDSA P-256 leaf"
  [ "$leaf" = rsa ] && label="RSA-2048 leaf"
  for row in oneshot first repeat; do
    for lib in system oxissl; do : >"$work/$lib"; done
    for _ in $(seq "$RUNS"); do
      for lib in system oxissl; do
        case "$row" in
          oneshot)
            total=0
            for _ in $(seq "$ONESHOTS"); do
              t="$(run "$lib" "$port" repeat 1 | awk '{print $2}')"
              total="$(awk -v a="$total" -v b="$t" 'BEGIN {print a + b}')"
            done
            awk -v t="$total" -v n="$ONESHOTS" 'BEGIN {printf "%.1f\n", t / n}' >>"$work/$lib"
            ;;
          *) run "$lib" "$port" "$row" "$N" | awk '{print $1}' >>"$work/$lib" ;;
        esac
      done
    done
    sys="$(median <"$work/system")"
    ox="$(median <"$work/oxissl")"
    case "$row" in
      oneshot) what="one-shot process, one handshake (whole process)" ;;
      first) what="first contact (new SSL_CTX each), per handshake" ;;
      repeat) what="repeat contact (one SSL_CTX), per handshake" ;;
    esac
    echo "| $label: $what | $sys | $ox | $(awk -v a="$ox" -v b="$sys" 'BEGIN {printf "%.2f", a / b}') |"
  done
  stop_server
done

# Bulk: a 64 MiB file from s_server -WWW (run in the work directory, which it serves).
mkdir -p "$work/www"
head -c $((64 * 1024 * 1024)) /dev/zero >"$work/www/big.bin"
(cd "$work/www" && start_server ecdsa -WWW && echo "$server $port" >"$work/www.server")
read -r server port <"$work/www.server"
for lib in system oxissl; do : >"$work/$lib"; done
for _ in $(seq "$RUNS"); do
  for lib in system oxissl; do
    run "$lib" "$port" download big.bin | awk '{print $1}' >>"$work/$lib"
  done
done
sys="$(median <"$work/system")"
ox="$(median <"$work/oxissl")"
echo "| download 64 MiB, 16 KiB SSL_read (MB/s of client CPU, higher is better) | $sys | $ox |" \
  "$(awk -v a="$ox" -v b="$sys" 'BEGIN {printf "%.2f", a / b}') |"
stop_server
echo
echo "Medians of $RUNS runs ($ONESHOTS one-shot processes, or $N handshakes in one process, or" \
  "one download, per run), the two libraries alternating; the same binary, on oxissl through" \
  "LD_LIBRARY_PATH."
