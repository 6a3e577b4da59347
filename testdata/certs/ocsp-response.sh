#!/usr/bin/env bash
# Writes OUTDIR/resp.der: a "good" OCSP response (RFC 6960) for ecdsa.pem (serial 1002),
# signed by its issuer inter.pem, valid for a day from now, for `openssl s_server
# -status_file`. Made at test time because the response carries its validity period.
#
# Usage: testdata/certs/ocsp-response.sh OUTDIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: ocsp-response.sh OUTDIR}
mkdir -p "$out"
printf 'V\t991231235959Z\t\t1002\tunknown\t/CN=localhost (ecdsa)\n' > "$out/index.txt"
openssl ocsp -no_nonce -issuer "$here/inter.pem" -cert "$here/ecdsa.pem" \
    -reqout "$out/req.der" > /dev/null
openssl ocsp -index "$out/index.txt" -rsigner "$here/inter.pem" -rkey "$here/inter.key" \
    -CA "$here/inter.pem" -reqin "$out/req.der" -respout "$out/resp.der" -ndays 1 > /dev/null
