#!/usr/bin/env bash
# Backs up one Postgres database to S3 (or an S3-compatible store) and records success last.
#
#   1. opens a REPEATABLE READ transaction, exports its snapshot and counts the rows of
#      BACKUP_VERIFY_TABLES in it, so that the counts match the dump exactly;
#   2. pg_dump --format=custom (compressed by pg_dump) from that snapshot, SHA-256 computed
#      while the dump is written (tee), so the checksum costs no second read;
#   3. uploads <key>/dump.pgc, <key>/dump.pgc.sha256 and <key>/manifest.json under a dated key
#      (one aws CLI call: each call costs ~1 s of Python start-up);
#   4. checks that every object is there and the dump has the expected size;
#   5. ONLY THEN writes <prefix>/latest.json: the drill and people restore from it, so a partial
#      or failed run never becomes "the latest backup". Exit status 0 is the Job's success,
#      which kube-state-metrics turns into the freshness metric the alerts read.
#
# Never prints credentials: they come from the environment (secretKeyRef / IRSA) and are
# passed to programs only through their standard variables (PGPASSWORD, AWS_*).
set -Eeuo pipefail
umask 077

log() { printf '%s backup: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { local code=$1; shift; log "FAILED: $*"; exit "$code"; }

: "${PGHOST:?set PGHOST}" "${PGDATABASE:?set PGDATABASE}" "${PGUSER:?set PGUSER}"
: "${BACKUP_BUCKET:?set BACKUP_BUCKET}"
export PGPORT="${PGPORT:-5432}"
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"
export PGAPPNAME="app-platform-backup"
PREFIX="${BACKUP_PREFIX:-postgres/${PGDATABASE}}"
PREFIX="${PREFIX%/}"
LEVEL="${BACKUP_COMPRESS_LEVEL:-6}"
WORK="${BACKUP_WORKDIR:-${TMPDIR:-/tmp}}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
AWS_BIN="${AWS_BIN:-aws}"
TABLES="${BACKUP_VERIFY_TABLES:-}"

[[ "$LEVEL" =~ ^[0-9]$ ]] || die 64 "BACKUP_COMPRESS_LEVEL ($LEVEL) must be a digit 0-9"
for t in $TABLES; do
  [[ "$t" =~ ^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$ ]] || die 64 "BACKUP_VERIFY_TABLES entry ($t) must be a table name such as public.orders"
done

# S3-compatible stores (dev, tests) are reached by an endpoint URL and path-style addressing;
# AWS S3 needs neither. The aws CLI's config file is the only place addressing_style is read.
S3_ARGS=()
if [[ -n "${BACKUP_S3_ENDPOINT:-}" ]]; then
  S3_ARGS=(--endpoint-url "$BACKUP_S3_ENDPOINT")
  export AWS_CONFIG_FILE="$WORK/.aws-config"
  printf '[default]\ns3 =\n  addressing_style = path\n' > "$AWS_CONFIG_FILE"
fi
export HOME="${HOME:-$WORK}" AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true
SSE_ARGS=()
[[ -n "${BACKUP_KMS_KEY_ID:-}" ]] && SSE_ARGS=(--sse aws:kms --sse-kms-key-id "$BACKUP_KMS_KEY_ID")

s3() { "$AWS_BIN" "${S3_ARGS[@]}" "$@"; }
put() { # put <file> <key> <content-type>
  s3 s3 cp --only-show-errors --no-progress "${SSE_ARGS[@]}" --content-type "$3" "$1" "s3://$BACKUP_BUCKET/$2" \
    || die 5 "upload of s3://$BACKUP_BUCKET/$2 failed; latest.json was not updated"
}
json_str() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "${s//$'\n'/ }"; }

# The dev object store starts empty; AWS buckets are created by Pulumi (and the job may not).
if [[ "${BACKUP_CREATE_BUCKET:-false}" == "true" ]] && ! s3 s3api head-bucket --bucket "$BACKUP_BUCKET" > /dev/null 2>&1; then
  s3 s3api create-bucket --bucket "$BACKUP_BUCKET" > /dev/null || die 5 "creating bucket $BACKUP_BUCKET failed"
fi

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t0=$(date +%s)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
KEY="$PREFIX/${stamp:0:4}/${stamp:4:2}/${stamp:6:2}/$stamp"
where="$PGHOST:$PGPORT/$PGDATABASE as $PGUSER"
OUT="$WORK/backup-$stamp"
mkdir -p "$OUT"
DUMP="$OUT/dump.pgc"
trap 'rm -rf "$OUT" "$WORK/latest-$stamp.json"' EXIT

# Fail early, with the server's own words, when the database cannot be reached.
if ! err=$("$PG_BIN/psql" -X -q -A -t -c 'SELECT 1' 2>&1 >/dev/null); then
  die 3 "cannot connect to database $where: ${err//$'\n'/ }"
fi

# One session holds the snapshot open while counts run in it and pg_dump reads from it.
coproc SNAP { "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 2>&1; }
snap_pid=$SNAP_PID
snap_out=${SNAP[0]} snap_in=${SNAP[1]}
printf 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\nSELECT pg_export_snapshot();\n' >&"$snap_in"
snapshot=""
if ! IFS= read -r -t "$((PGCONNECT_TIMEOUT + 5))" snapshot <&"$snap_out" || [[ ! "$snapshot" =~ ^[0-9A-F-]+$ ]]; then
  rest=$(timeout 2 cat <&"$snap_out" 2>/dev/null || true)
  die 3 "cannot connect to database $where: ${snapshot}${rest:+ $rest}"
fi
server_version=""
declare -A COUNTS=()
printf 'SHOW server_version;\n' >&"$snap_in"
IFS= read -r -t 30 server_version <&"$snap_out" || die 3 "lost the connection to $where"
for t in $TABLES; do
  printf 'SELECT count(*) FROM %s;\n' "$t" >&"$snap_in"
  IFS= read -r -t 600 n <&"$snap_out" || die 3 "counting rows of $t failed"
  [[ "$n" =~ ^[0-9]+$ ]] || die 3 "counting rows of $t failed: $n"
  COUNTS[$t]=$n
done

log "dumping $where (snapshot $snapshot) to s3://$BACKUP_BUCKET/$KEY/"
if ! "$PG_BIN/pg_dump" --format=custom --compress="$LEVEL" --snapshot="$snapshot" --no-password \
     | tee "$DUMP" | sha256sum > "$OUT/dump.pgc.sha256"; then
  die 4 "pg_dump of $where failed"
fi
printf 'COMMIT;\n' >&"$snap_in"
eval "exec $snap_in>&-"
wait "$snap_pid" 2>/dev/null || true

sha=$(cut -d' ' -f1 < "$OUT/dump.pgc.sha256")
size=$(stat -c %s "$DUMP")
printf '%s  dump.pgc\n' "$sha" > "$OUT/dump.pgc.sha256"

tables_json=""
for t in $TABLES; do tables_json+="${tables_json:+,}$(json_str "$t"):${COUNTS[$t]}"; done
pg_dump_version=$("$PG_BIN/pg_dump" --version)
aws_version=$("$AWS_BIN" --version 2>&1 | head -n1)
finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)
{
  printf '{"format":"pg_dump-custom","key":%s,"dump":%s,' "$(json_str "$KEY")" "$(json_str "$KEY/dump.pgc")"
  printf '"sizeBytes":%s,"sha256":"%s","compressLevel":%s,' "$size" "$sha" "$LEVEL"
  printf '"startedAt":"%s","finishedAt":"%s","durationSeconds":%s,' "$started" "$finished" "$(( $(date +%s) - t0 ))"
  printf '"source":{"host":%s,"port":%s,"database":%s,"serverVersion":%s},' \
    "$(json_str "$PGHOST")" "$PGPORT" "$(json_str "$PGDATABASE")" "$(json_str "$server_version")"
  printf '"tables":{%s},' "$tables_json"
  printf '"tools":{"pg_dump":%s,"aws":%s}}\n' "$(json_str "$pg_dump_version")" "$(json_str "$aws_version")"
} > "$OUT/manifest.json"

s3 s3 cp --recursive --only-show-errors --no-progress "${SSE_ARGS[@]}" "$OUT/" "s3://$BACKUP_BUCKET/$KEY/" \
  || die 5 "upload to s3://$BACKUP_BUCKET/$KEY/ failed; latest.json was not updated"

# Read back what the store holds (one listing) before declaring success.
listing=$(s3 s3api list-objects-v2 --bucket "$BACKUP_BUCKET" --prefix "$KEY/" --query 'Contents[].[Key,Size]' --output text) \
  || die 5 "listing s3://$BACKUP_BUCKET/$KEY/ after upload failed; latest.json was not updated"
for k in dump.pgc dump.pgc.sha256 manifest.json; do
  grep -q "^$KEY/$k[[:space:]]" <<< "$listing" || die 5 "s3://$BACKUP_BUCKET/$KEY/$k is missing after upload; latest.json was not updated"
done
remote_size=$(awk -v k="$KEY/dump.pgc" '$1 == k { print $2 }' <<< "$listing")
[[ "$remote_size" == "$size" ]] || die 5 "s3://$BACKUP_BUCKET/$KEY/dump.pgc has ${remote_size:-no} bytes, expected $size; latest.json was not updated"

cp "$OUT/manifest.json" "$WORK/latest-$stamp.json"
put "$WORK/latest-$stamp.json" "$PREFIX/latest.json" application/json
log "ok: $size bytes, sha256 $sha, s3://$BACKUP_BUCKET/$KEY/ in $(( $(date +%s) - t0 )) s"
