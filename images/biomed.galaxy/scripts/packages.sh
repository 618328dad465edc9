#!/bin/sh
# The full list of installed packages with exact versions, in the format vmendorse reads (src/build/packer.ts).
set -eu
dpkg-query -W -f '${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\n' > /tmp/packages.tsv
chmod 0644 /tmp/packages.tsv
