#!/usr/bin/env bash
# Writes OUTDIR/revoked.pem, a CRL from inter.pem revoking ecdsa.pem (serial 1002), and
# OUTDIR/empty.pem, one revoking nothing; both valid for a day from now. Made at test time
# because a CRL carries its validity period.
#
# Usage: testdata/certs/crl.sh OUTDIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: crl.sh OUTDIR}
mkdir -p "$out"
cd "$out"
printf '[ca]\ndefault_ca = ca\n[ca]\ndatabase = index.txt\ndefault_md = sha256\n' > ca.cnf
printf 'default_crl_days = 1\ncrlnumber = crlnumber\n' >> ca.cnf
gen() {
    echo 01 > crlnumber
    openssl ca -gencrl -config ca.cnf -keyfile "$here/inter.key" -cert "$here/inter.pem" \
        -out "$1" 2> /dev/null
}
printf 'R\t991231235959Z\t260101000000Z\t1002\tunknown\t/CN=localhost (ecdsa)\n' > index.txt
gen revoked.pem
: > index.txt
gen empty.pem
