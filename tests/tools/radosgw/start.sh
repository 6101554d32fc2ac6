#!/usr/bin/env bash
# Starts a throw-away Ceph Object Gateway (radosgw, Debian's Ceph packages) for the S3 blob store's signature tests
# (tests/Chaos.Tests/Attachments/RadosGateway.cs): one monitor and one in-memory OSD (memstore) on loopback, the gateway
# on 127.0.0.1:RGW_PORT, and one S3 user with the given keys. Unlike s3rver, radosgw verifies every request's AWS
# Signature Version 4 against the user's secret. All state lives in DIR; the daemons write their pids to DIR/run/*.pid
# (the caller stops them by those pids) and their logs to DIR/log.
#   start.sh DIR MON_PORT RGW_PORT ACCESS_KEY SECRET_KEY
# Needs the Debian packages radosgw, ceph-mon and ceph-osd (.ci/run installs them).
set -euo pipefail
dir=$1 mon_port=$2 rgw_port=$3 access_key=$4 secret_key=$5
for tool in ceph-mon ceph-osd radosgw radosgw-admin ceph monmaptool ceph-authtool; do
  command -v "$tool" >/dev/null || { echo "start.sh needs $tool: apt-get install radosgw ceph-mon ceph-osd" >&2; exit 2; }
done

mkdir -p "$dir"/{mon,osd,run,log}
fsid=$(cat /proc/sys/kernel/random/uuid)
conf="$dir/ceph.conf"
# Authentication between the daemons is off (one machine, loopback only); the gateway's S3 authentication is not
# affected by it. Pools of one replica on one OSD, so the cluster is healthy with a single in-memory OSD.
cat >"$conf" <<CONF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$mon_port
mon initial members = a
public addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc secure
ms client mode = crc secure
ms service mode = crc secure
ms cluster mode = crc secure
ms mon service mode = crc secure
ms mon cluster mode = crc secure
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
# The monitor refuses to start (exit 28, ENOSPC) when the file system under its data directory has less than
# 'mon data avail crit' (5 %) of its size free — on a large, busy build disk that is many gigabytes; its store here
# is a few megabytes, so the check is off.
mon data avail crit = 0
mon data avail warn = 0
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
osd crush chooseleaf type = 0
osd objectstore = memstore
memstore device bytes = 1073741824
osd max object name len = 256
osd max object namespace len = 64
osd data = $dir/osd
mon data = $dir/mon
run dir = $dir/run
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
keyring = $dir/keyring
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
CONF

user=()
if [[ $(id -u) == 0 ]]; then user=(--setuser root --setgroup root); fi
c=(--conf "$conf")
ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
monmaptool --create --addv a "[v2:127.0.0.1:$mon_port]" --fsid "$fsid" "$dir/monmap" >/dev/null
ceph-mon "${c[@]}" "${user[@]}" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/keyring"
ceph-mon "${c[@]}" "${user[@]}" -i a
osd=$(ceph "${c[@]}" --connect-timeout 60 osd create)
ceph-osd "${c[@]}" "${user[@]}" -i "$osd" --mkfs --osd-uuid "$(cat /proc/sys/kernel/random/uuid)" 2>>"$dir/log/mkfs.log"
ceph-osd "${c[@]}" "${user[@]}" -i "$osd" 2>>"$dir/log/osd.stderr.log"
radosgw "${c[@]}" "${user[@]}" -n client.rgw --no-mon-config
radosgw-admin "${c[@]}" --no-mon-config user create --uid chaos --display-name chaos \
  --access-key "$access_key" --secret-key "$secret_key" >/dev/null
echo "radosgw on http://127.0.0.1:$rgw_port"
