#!/usr/bin/env bash
# A LAN of network namespaces on this machine, for tests, benchmarks and demos that need real multicast
# without ever sending it from the host's own namespace (docs/ARCHITECTURE.md, section 5, "LAN"):
#
#   lan.sh up PREFIX N     hosts PREFIX-n1..nN (10.77.0.1..N/24, eth0) on a bridge in namespace PREFIX-br
#   lan.sh down PREFIX     remove them (idempotent)
#   lan.sh cut PREFIX I    detach host I from the bridge: packets vanish, no carrier change (a partition)
#   lan.sh heal PREFIX I   attach it again
#   lan.sh unplug PREFIX I / lan.sh plug PREFIX I   the host sees carrier loss / carrier back
#   lan.sh exec PREFIX I CMD...   run CMD on host I
#
# Run a process on host I with: ip netns exec PREFIX-nI CMD (its PID is the real PID).
set -euo pipefail

usage() { sed -n '2,12p' "$0" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1 prefix=$2
bridge="$prefix-br"

host_ns() { echo "$prefix-n$1"; }

down() {
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^$prefix-(br|n[0-9]+)$" || true); do
    # Processes still in a namespace keep it alive: a test must kill its own children first.
    ip netns delete "$ns" 2>/dev/null || true
  done
}

up() {
  local n=$1
  down
  ip netns add "$bridge"
  ip -n "$bridge" link add br0 type bridge
  ip -n "$bridge" link set br0 type bridge mcast_snooping 0
  ip -n "$bridge" link set br0 up
  ip -n "$bridge" link set lo up
  for i in $(seq 1 "$n"); do
    local ns; ns=$(host_ns "$i")
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip link add eth0 netns "$ns" type veth peer name "v$i" netns "$bridge"
    ip -n "$bridge" link set "v$i" master br0
    ip -n "$bridge" link set "v$i" up
    ip -n "$ns" addr add "10.77.0.$i/24" dev eth0
    ip -n "$ns" link set eth0 up
    # Without this route every mDNS send fails with ENETUNREACH (and bonjour-service hides it).
    ip -n "$ns" route add 224.0.0.0/4 dev eth0
  done
}

case "$cmd" in
  up) [ $# -eq 3 ] || usage; up "$3" ;;
  down) down ;;
  cut) ip -n "$bridge" link set "v$3" nomaster ;;
  heal) ip -n "$bridge" link set "v$3" master br0 ;;
  unplug) ip -n "$bridge" link set "v$3" down ;;
  plug) ip -n "$bridge" link set "v$3" up ;;
  exec) i=$3; shift 3; exec ip netns exec "$(host_ns "$i")" "$@" ;;
  *) usage ;;
esac
