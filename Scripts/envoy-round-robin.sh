#!/usr/bin/env bash
# Writes to stdout an Envoy bootstrap that proxies HTTP round-robin over emulated or real instances, with no
# ext_proc: the yardstick the overhead scripts (epp-overhead.sh, proxy-cpu.sh) measure Switchyard against.
#
#   Scripts/envoy-round-robin.sh LISTEN_PORT ADMIN_PORT BACKEND_PORT... > envoy-rr.yaml     (all on 127.0.0.1)
set -euo pipefail
[[ $# -ge 3 ]] || { echo "usage: $0 LISTEN_PORT ADMIN_PORT BACKEND_PORT..." >&2; exit 2; }
listen=$1; admin=$2; shift 2
cat <<YAML
admin: { address: { socket_address: { address: 127.0.0.1, port_value: $admin } } }
static_resources:
  listeners:
  - address: { socket_address: { address: 127.0.0.1, port_value: $listen } }
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: rr
          route_config:
            virtual_hosts:
            - { name: rr, domains: ["*"], routes: [ { match: { prefix: "/" }, route: { cluster: pool, timeout: 0s } } ] }
          http_filters:
          - name: envoy.filters.http.router
            typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router, suppress_envoy_headers: true }
  clusters:
  - name: pool
    type: STATIC
    lb_policy: ROUND_ROBIN
    connect_timeout: 5s
    circuit_breakers: { thresholds: [ { max_connections: 40000, max_pending_requests: 40000, max_requests: 40000 } ] }
    load_assignment:
      cluster_name: pool
      endpoints:
      - lb_endpoints:
YAML
for port in "$@"; do
    echo "        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: $port } } }"
done
