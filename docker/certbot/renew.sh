#!/bin/sh
# One renewal pass: renews certificates that expire within 30 days (extra arguments go to certbot, e.g.
# --force-renewal). The deploy hook saved at issuance tells the proxy to reload.
set -eu
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
# shellcheck disable=SC2086
certbot renew $dirs --non-interactive --no-random-sleep-on-renew "$@"
