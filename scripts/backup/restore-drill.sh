#!/usr/bin/env bash
# Restore drill: proves that the latest backup restores, not only that it exists.
#
#   1. reads <prefix>/latest.json (written by backup.sh only after a complete upload);
#   2. downloads the dump, its .sha256 and its manifest, verifies the SHA-256 of the stored
#      object against both, and decompresses it (zstd);
#   3. starts a private, throwaway Postgres in the pod's scratch volume (unix socket only, no
#      network) and restores the dump into a scratch database with --exit-on-error, so the drill
#      needs no privileges on, and puts no load on, the real database server;
#   4. counts the rows of DRILL_VERIFY_TABLES and compares them with the counts the backup
#      recorded from the same snapshot it dumped;
#   5. records the result as <prefix>/drills/<time>.json and <prefix>/drill-latest.json, and exits
#      non-zero on any failure, which is what the Job status (and kube-state-metrics) reports.
set -Eeuo pipefail
umask 077

log() { printf '%s restore-drill: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

: "${BACKUP_BUCKET:?set BACKUP_BUCKET}"
PREFIX="${BACKUP_PREFIX:?set BACKUP_PREFIX}"
PREFIX="${PREFIX%/}"
WORK="${BACKUP_WORKDIR:-${TMPDIR:-/tmp}}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
AWS_BIN="${AWS_BIN:-aws}"
TABLES="${DRILL_VERIFY_TABLES:-}"
for t in $TABLES; do
  [[ "$t" =~ ^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$ ]] || { log "FAILED: DRILL_VERIFY_TABLES entry ($t) must be a table name such as public.orders"; exit 64; }
done

S3_ARGS=()
if [[ -n "${BACKUP_S3_ENDPOINT:-}" ]]; then
  S3_ARGS=(--endpoint-url "$BACKUP_S3_ENDPOINT")
  export AWS_CONFIG_FILE="$WORK/.aws-config"
  printf '[default]\ns3 =\n  addressing_style = path\n' > "$AWS_CONFIG_FILE"
fi
export HOME="${HOME:-$WORK}" AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true
s3() { "$AWS_BIN" "${S3_ARGS[@]}" "$@"; }
json_str() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "${s//$'\n'/ }"; }
# Reads one field of the single-line JSON that backup.sh writes (no jq in the image).
json_field() { sed -n "s/.*\"$1\":\(\"[^\"]*\"\|[0-9]*\).*/\1/p" "$2" | head -n1 | tr -d '"'; }

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t0=$(date +%s)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
SCRATCH="$WORK/drill-$stamp"
mkdir -p "$SCRATCH"
PGDATA_DIR="$SCRATCH/pgdata"
server_started=0
key="" status="failed" reason="" counts_json=""

record() {
  local code=$?
  trap - EXIT
  if (( server_started )); then "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w stop > /dev/null 2>&1 || true; fi
  [[ $code -eq 0 ]] && status="ok"
  {
    printf '{"status":"%s","backup":%s,"reason":%s,' "$status" "$(json_str "$key")" "$(json_str "$reason")"
    printf '"startedAt":"%s","finishedAt":"%s",' "$started" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf '"durationSeconds":%s,"tables":{%s}}\n' "$(( $(date +%s) - t0 ))" "$counts_json"
  } > "$SCRATCH/result.json"
  # The result is recorded for people and audits; the Job's exit status stays the signal.
  if s3 s3 cp --only-show-errors --no-progress --content-type application/json "$SCRATCH/result.json" "s3://$BACKUP_BUCKET/$PREFIX/drills/$stamp.json" \
     && s3 s3 cp --only-show-errors --no-progress --content-type application/json "$SCRATCH/result.json" "s3://$BACKUP_BUCKET/$PREFIX/drill-latest.json"; then
    :
  else
    log "could not record the drill result in s3://$BACKUP_BUCKET/$PREFIX/drills/"
    [[ $code -eq 0 ]] && code=5
  fi
  rm -rf "$SCRATCH"
  if [[ $code -eq 0 ]]; then log "ok: $key restored and verified in $(( $(date +%s) - t0 )) s"; else log "FAILED: $reason"; fi
  exit "$code"
}
trap record EXIT
fail() { reason="$2"; exit "$1"; }

get() { # get <key> <file>
  s3 s3 cp --only-show-errors --no-progress "s3://$BACKUP_BUCKET/$1" "$2" 2> "$SCRATCH/aws.err" \
    || fail 5 "download of s3://$BACKUP_BUCKET/$1 failed: $(tr '\n' ' ' < "$SCRATCH/aws.err")"
}

get "$PREFIX/latest.json" "$SCRATCH/latest.json"
key=$(json_field key "$SCRATCH/latest.json")
[[ -n "$key" ]] || fail 6 "s3://$BACKUP_BUCKET/$PREFIX/latest.json names no backup key"
log "restoring $key"
# One call for the three objects (each aws CLI call costs ~1 s of start-up).
s3 s3 cp --recursive --only-show-errors --no-progress "s3://$BACKUP_BUCKET/$key/" "$SCRATCH/" 2> "$SCRATCH/aws.err" \
  || fail 5 "download of s3://$BACKUP_BUCKET/$key/ failed: $(tr '\n' ' ' < "$SCRATCH/aws.err")"
for f in dump.pgc.zst dump.pgc.zst.sha256 manifest.json; do
  [[ -s "$SCRATCH/$f" ]] || fail 6 "s3://$BACKUP_BUCKET/$key/$f is missing: the backup is incomplete"
done

expected=$(cut -d' ' -f1 < "$SCRATCH/dump.pgc.zst.sha256")
manifest_sha=$(json_field sha256 "$SCRATCH/manifest.json")
actual=$(sha256sum < "$SCRATCH/dump.pgc.zst" | cut -d' ' -f1)
[[ "$expected" == "$manifest_sha" ]] || fail 7 "checksum file ($expected) and manifest ($manifest_sha) of $key disagree"
[[ "$actual" == "$expected" ]] || fail 7 "checksum mismatch for $key/dump.pgc.zst: expected $expected, got $actual (corrupted or tampered object)"
# pg_restore --jobs needs a seekable file, so the dump is decompressed rather than piped.
zstd -q -d --rm "$SCRATCH/dump.pgc.zst" -o "$SCRATCH/dump.pgc" 2> "$SCRATCH/zstd.err" \
  || fail 7 "decompressing $key/dump.pgc.zst failed: $(tr '\n' ' ' < "$SCRATCH/zstd.err")"

# A private server: unix socket in the scratch folder, no TCP, fsync off (it is thrown away).
"$PG_BIN/initdb" -D "$PGDATA_DIR" -U drill --auth=trust --no-sync -E UTF8 > "$SCRATCH/initdb.log" 2>&1 \
  || fail 8 "initdb of the scratch server failed: $(tail -n 3 "$SCRATCH/initdb.log" | tr '\n' ' ')"
"$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -w -t 60 -l "$SCRATCH/postgres.log" \
  -o "-c listen_addresses='' -k $SCRATCH -c fsync=off -c full_page_writes=off -c synchronous_commit=off" start > /dev/null \
  || fail 8 "the scratch server did not start: $(tail -n 3 "$SCRATCH/postgres.log" | tr '\n' ' ')"
server_started=1
export PGHOST="$SCRATCH" PGUSER=drill PGDATABASE=drill_scratch
unset PGPASSWORD PGPORT
"$PG_BIN/createdb" drill_scratch || fail 8 "creating the scratch database failed"

jobs=${DRILL_RESTORE_JOBS:-2}
if ! "$PG_BIN/pg_restore" --exit-on-error --no-owner --no-privileges --jobs="$jobs" -d drill_scratch "$SCRATCH/dump.pgc" 2> "$SCRATCH/restore.err"; then
  fail 9 "pg_restore of $key failed: $(tail -n 3 "$SCRATCH/restore.err" | tr '\n' ' ')"
fi

mismatch=""
for t in $TABLES; do
  want=$(sed -n "s/.*\"tables\":{[^}]*\"${t//./\\.}\":\([0-9]*\).*/\1/p" "$SCRATCH/manifest.json")
  got=$("$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM $t" 2>&1) || got="error: ${got//$'\n'/ }"
  counts_json+="${counts_json:+,}$(json_str "$t"):{\"expected\":${want:-null},\"restored\":$(json_str "$got")}"
  if [[ -z "$want" ]]; then mismatch+=" $t: not in the backup's manifest (add it to backup verification);"
  elif [[ "$got" != "$want" ]]; then mismatch+=" $t: expected $want rows, restored $got;"
  else log "$t: $got rows"; fi
done
[[ -z "$mismatch" ]] || fail 10 "verification of $key failed:$mismatch"
