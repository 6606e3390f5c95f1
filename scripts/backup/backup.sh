#!/usr/bin/env bash
# Backs up one Postgres database to S3 (or an S3-compatible store) and records success last.
#
#   1. opens a REPEATABLE READ transaction, exports its snapshot and counts the rows of
#      BACKUP_VERIFY_TABLES in it, so that the counts describe exactly what is dumped;
#   2. streams pg_dump --format=custom from that snapshot through zstd straight into the store
#      as <key>/dump.pgc.zst, computing SHA-256 and the size on the way (no local copy: the
#      job's scratch volume need not hold the dump, and the upload overlaps the dump);
#   3. uploads <key>/dump.pgc.zst.sha256 and <key>/manifest.json (time, size, checksum, source,
#      row counts, tool versions) through aws CLI processes started before the dump and
#      waiting on FIFOs: each aws call costs ~1 s of Python start-up, which then overlaps the
#      dump instead of following it;
#   4. ONLY when all three uploads succeeded, writes <prefix>/latest.json: the drill and people
#      restore from it, so a partial or failed run never becomes "the latest backup". The
#      drill reads the objects back and verifies the checksum. Exit status 0 is the Job's
#      success, which kube-state-metrics turns into the freshness metric the alerts read.
#
# Restore by hand:  zstd -d dump.pgc.zst && pg_restore --jobs=4 -d <db> dump.pgc
#
# Never prints credentials: they come from the environment (secretKeyRef / IRSA) and reach
# programs only through their standard variables (PGPASSWORD, AWS_*).
set -Eeuo pipefail
umask 077

log() { printf '%s backup: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { local code=$1; shift; log "FAILED: $*"; exit "$code"; }
trap 'log "FAILED: unexpected error at line $LINENO: $BASH_COMMAND"' ERR

: "${PGHOST:?set PGHOST}" "${PGDATABASE:?set PGDATABASE}" "${PGUSER:?set PGUSER}"
: "${BACKUP_BUCKET:?set BACKUP_BUCKET}"
export PGPORT="${PGPORT:-5432}"
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"
export PGAPPNAME="app-platform-backup"
PREFIX="${BACKUP_PREFIX:-postgres/${PGDATABASE}}"
PREFIX="${PREFIX%/}"
LEVEL="${BACKUP_COMPRESS_LEVEL:-3}"
WORK="${BACKUP_WORKDIR:-${TMPDIR:-/tmp}}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
AWS_BIN="${AWS_BIN:-aws}"
TABLES="${BACKUP_VERIFY_TABLES:-}"

[[ "$LEVEL" =~ ^[0-9]+$ ]] && (( LEVEL >= 1 && LEVEL <= 19 )) || die 64 "BACKUP_COMPRESS_LEVEL ($LEVEL) must be a zstd level 1-19"
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
json_str() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "${s//$'\n'/ }"; }

# The dev object store starts empty; AWS buckets are created by Pulumi (and the job may not).
if [[ "${BACKUP_CREATE_BUCKET:-false}" == "true" ]] && ! s3 s3api head-bucket --bucket "$BACKUP_BUCKET" > /dev/null 2>&1; then
  s3 s3api create-bucket --bucket "$BACKUP_BUCKET" > /dev/null || die 5 "creating bucket $BACKUP_BUCKET failed"
fi

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t0=$(date +%s)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
KEY="$PREFIX/${stamp:0:4}/${stamp:4:2}/${stamp:6:2}/$stamp"
DUMP_KEY="$KEY/dump.pgc.zst"
where="$PGHOST:$PGPORT/$PGDATABASE as $PGUSER"
OUT="$WORK/backup-$stamp"
mkdir -p "$OUT"

# Uploaders started early: an aws process reading its object from a FIFO (through cat, so that
# the process starts now and blocks on read, not on opening the FIFO).
declare -A UP_PID=()
start_upload() { # start_upload <name> <key> <content-type>
  mkfifo "$OUT/$1.fifo"
  "$AWS_BIN" "${S3_ARGS[@]}" s3 cp --only-show-errors --no-progress "${SSE_ARGS[@]}" --content-type "$3" \
    - "s3://$BACKUP_BUCKET/$2" < <(cat "$OUT/$1.fifo") 2> "$OUT/$1.err" &
  UP_PID[$1]=$!
}
finish_upload() { # finish_upload <name> <file> <key>: feed the waiting uploader, wait for it
  local pid=${UP_PID[$1]}
  cat "$2" > "$OUT/$1.fifo" || true
  unset "UP_PID[$1]"
  wait "$pid" || die 5 "upload of s3://$BACKUP_BUCKET/$3 failed: $(tr '\n' ' ' < "$OUT/$1.err"); latest.json was not updated"
}
# On failure, an uploader must not see EOF before it dies: it would store an empty object.
abort_uploads() {
  local n fd
  for n in "${!UP_PID[@]}"; do
    kill -9 "${UP_PID[$n]}" 2> /dev/null || true
    exec {fd}<> "$OUT/$n.fifo"; exec {fd}>&- # releases its cat
  done
}
trap 'abort_uploads; rm -rf "$OUT"' EXIT

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
  die 3 "cannot open a snapshot on $where: ${snapshot}${rest:+ $rest}"
fi
printf 'SHOW server_version;\nSELECT pg_database_size(current_database());\n' >&"$snap_in"
IFS= read -r -t 30 server_version <&"$snap_out" || die 3 "lost the connection to $where"
IFS= read -r -t 30 db_bytes <&"$snap_out" || die 3 "lost the connection to $where"
declare -A COUNTS=()
for t in $TABLES; do
  printf 'SELECT count(*) FROM %s;\n' "$t" >&"$snap_in"
  IFS= read -r -t 600 n <&"$snap_out" || die 3 "counting rows of $t failed"
  [[ "$n" =~ ^[0-9]+$ ]] || die 3 "counting rows of $t failed: $n"
  COUNTS[$t]=$n
done

# The CLI's version from its package when it has one: starting the CLI only to ask costs ~1 s CPU.
if [[ "$(command -v "$AWS_BIN")" == /usr/bin/aws ]] && v=$(dpkg-query -W -f='${Version}' awscli 2> /dev/null); then
  printf 'aws-cli/%s (Debian package awscli)\n' "$v" > "$OUT/aws.version"; version_pid=""
else
  "$AWS_BIN" --version > "$OUT/aws.version" 2>&1 & version_pid=$!
fi
start_upload up-sha "$KEY/dump.pgc.zst.sha256" text/plain
start_upload up-manifest "$KEY/manifest.json" application/json
start_upload up-latest "$PREFIX/latest.json" application/json

log "dumping $where (snapshot $snapshot, ~$db_bytes bytes on disk) to s3://$BACKUP_BUCKET/$KEY/"
# Checksum and size are computed from tee's copies while the stream goes up; the readers of
# the FIFOs start first (opening a FIFO for writing waits for its reader).
mkfifo "$OUT/sha.fifo" "$OUT/size.fifo"
sha256sum < "$OUT/sha.fifo" > "$OUT/sha" & sha_pid=$!
wc -c < "$OUT/size.fifo" > "$OUT/size" & size_pid=$!
set +e
"$PG_BIN/pg_dump" --format=custom --compress=0 --snapshot="$snapshot" --no-password 2> "$OUT/pg_dump.err" \
  | zstd -q -T0 -"$LEVEL" \
  | tee "$OUT/sha.fifo" "$OUT/size.fifo" \
  | s3 s3 cp --only-show-errors --no-progress "${SSE_ARGS[@]}" --expected-size "$db_bytes" - "s3://$BACKUP_BUCKET/$DUMP_KEY" 2> "$OUT/upload.err"
status=("${PIPESTATUS[@]}")
set -e
wait "$sha_pid" "$size_pid" || true
printf 'COMMIT;\n' >&"$snap_in"
eval "exec $snap_in>&-"
wait "$snap_pid" 2>/dev/null || true
# A failed upload makes the writers upstream die of SIGPIPE, so it is checked first; a failed
# pg_dump ends the stream early, which the upload completes as a (useless, unmarked) object.
(( status[3] == 0 )) || die 5 "upload of s3://$BACKUP_BUCKET/$DUMP_KEY failed: $(tr '\n' ' ' < "$OUT/upload.err"); latest.json was not updated"
(( status[0] == 0 )) || die 4 "pg_dump of $where failed: $(tr '\n' ' ' < "$OUT/pg_dump.err"); latest.json was not updated"
(( status[1] == 0 && status[2] == 0 )) || die 4 "compressing the dump failed (zstd ${status[1]}, tee ${status[2]}); latest.json was not updated"

sha=$(cut -d' ' -f1 < "$OUT/sha")
size=$(tr -d ' ' < "$OUT/size")
[[ "$sha" =~ ^[0-9a-f]{64}$ && "$size" =~ ^[0-9]+$ ]] || die 4 "computing the checksum of the dump failed"
mkdir "$OUT/up"
printf '%s  dump.pgc.zst\n' "$sha" > "$OUT/up/dump.pgc.zst.sha256"

tables_json=""
for t in $TABLES; do tables_json+="${tables_json:+,}$(json_str "$t"):${COUNTS[$t]}"; done
pg_dump_version=$("$PG_BIN/pg_dump" --version)
zstd_version=$(zstd -V | head -n1)
[[ -z "$version_pid" ]] || wait "$version_pid" 2> /dev/null || true
aws_version=$(head -n1 "$OUT/aws.version")
finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)
{
  printf '{"format":"pg_dump-custom","compression":"zstd","key":%s,"dump":%s,' "$(json_str "$KEY")" "$(json_str "$DUMP_KEY")"
  printf '"sizeBytes":%s,"sha256":"%s","compressLevel":%s,' "$size" "$sha" "$LEVEL"
  printf '"startedAt":"%s","finishedAt":"%s","durationSeconds":%s,' "$started" "$finished" "$(( $(date +%s) - t0 ))"
  printf '"source":{"host":%s,"port":%s,"database":%s,"serverVersion":%s,"sizeBytes":%s},' \
    "$(json_str "$PGHOST")" "$PGPORT" "$(json_str "$PGDATABASE")" "$(json_str "$server_version")" "$db_bytes"
  printf '"tables":{%s},' "$tables_json"
  printf '"tools":{"pg_dump":%s,"zstd":%s,"aws":%s}}\n' "$(json_str "$pg_dump_version")" "$(json_str "$zstd_version")" "$(json_str "$aws_version")"
} > "$OUT/up/manifest.json"

finish_upload up-sha "$OUT/up/dump.pgc.zst.sha256" "$KEY/dump.pgc.zst.sha256"
finish_upload up-manifest "$OUT/up/manifest.json" "$KEY/manifest.json"

# Every object of the backup is stored: only now may it become the latest.
pid=${UP_PID[up-latest]}
cat "$OUT/up/manifest.json" > "$OUT/up-latest.fifo" || true
unset "UP_PID[up-latest]"
wait "$pid" || die 5 "upload of s3://$BACKUP_BUCKET/$PREFIX/latest.json failed: $(tr '\n' ' ' < "$OUT/up-latest.err"); the backup under $KEY/ is complete but not marked latest"
log "ok: $size bytes, sha256 $sha, s3://$BACKUP_BUCKET/$KEY/ in $(( $(date +%s) - t0 )) s"
