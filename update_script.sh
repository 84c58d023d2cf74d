#!/usr/bin/env bash
# Updates a running installation with the site staying up:
#   pull → build → backup → migrate → new app container beside the old one, switch when healthy → worker
# Any failure before the switch leaves the running containers alone and puts code and images back.
#   sudo ./update_script.sh            UPDATE_BACKUP=0 skips the backup (e.g. CockroachDB, see docs)
set -Eeuo pipefail # -E: the rollback trap also fires inside functions
cd "$(dirname "$0")"

DOCKER=${DOCKER:-docker}
HEALTH_TIMEOUT=${HEALTH_TIMEOUT:-180}
DNS_SETTLE=${DNS_SETTLE:-12} # nginx re-resolves "app" every 10 s
IMAGES=(nadooit-app nadooit-proxy nadooit-certbot)

log() { printf '== %s\n' "$*"; }
compose() { "$DOCKER" compose "$@"; }
die() { echo "update: $*" >&2; exit 1; }

[ -f .env ] || die ".env is missing: run ./setup.sh first"
git diff --quiet && git diff --cached --quiet || die "tracked files were changed locally; commit or revert them first (git status)"

previous=$(git rev-parse HEAD)
rolled_back=0
tagged=()
rollback() {
  [ "$rolled_back" = 0 ] || return 0
  rolled_back=1
  echo "update: FAILED — rolling back to $previous" >&2
  for image in "${tagged[@]}"; do
    "$DOCKER" image tag "$image:rollback" "$image:latest" || true
  done
  git reset --hard -q "$previous"
  echo "update: code and images are back at $(git rev-parse --short HEAD); the running containers were not replaced." >&2
}
trap 'rollback' ERR

log "Pulling"
git pull --ff-only
if [ "$(git rev-parse HEAD)" = "$previous" ] && [ "${1:-}" != --force ]; then
  log "Already up to date ($(git rev-parse --short HEAD)); use --force to rebuild anyway"
  exit 0
fi

log "Building $(git rev-parse --short HEAD)"
for image in "${IMAGES[@]}"; do
  if "$DOCKER" image inspect "$image:latest" >/dev/null 2>&1; then
    "$DOCKER" image tag "$image:latest" "$image:rollback"
    tagged+=("$image")
  fi
done
compose build

if [ "${UPDATE_BACKUP:-1}" = 1 ]; then
  log "Backup before migrating"
  compose run --rm -T app npm run manage -- backup --keep "${BACKUP_KEEP:-14}"
fi

log "Migrating (and collecting static files)"
compose run --rm -T migrate

log "Starting the new app beside the old one"
old=$(compose ps -q app)
compose up -d --no-deps --no-recreate --scale app=2 app
new=$(compose ps -q app | grep -vxF "${old:-none}" | head -n1)
[ -n "$new" ] || die "the new app container did not start"
deadline=$((SECONDS + HEALTH_TIMEOUT))
until [ "$("$DOCKER" inspect -f '{{.State.Health.Status}}' "$new")" = healthy ]; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    "$DOCKER" logs --tail 50 "$new" >&2 || true
    "$DOCKER" rm -f "$new" >/dev/null
    false # → rollback; the old container kept serving
  fi
  sleep 3
done
trap - ERR # the new version serves from here on; later problems are fixed forward

log "Switching traffic to the new app"
sleep "$DNS_SETTLE"
if [ -n "$old" ]; then
  "$DOCKER" stop -t 30 "$old" >/dev/null
  "$DOCKER" rm "$old" >/dev/null
fi
compose up -d --no-deps --no-recreate --scale app=1 app

log "Restarting the worker (running jobs finish first)"
compose up -d --no-deps worker

log "Proxy and certbot (recreated only if their image changed)"
compose up -d --no-deps proxy certbot

"$DOCKER" image prune -f >/dev/null || true
log "Updated from ${previous:0:7} to $(git rev-parse --short HEAD)"
