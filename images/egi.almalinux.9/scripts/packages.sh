#!/bin/sh
# The full list of installed packages with exact versions, in the format vmendorse reads (src/build/packer.ts).
set -eu
rpm -qa --qf '%{NAME}\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\n' > /tmp/packages.tsv
chmod 0644 /tmp/packages.tsv
