/** The modules Osprey offers without a module file: blackbox_exporter's example config, plus a dns module. */
import { type ProbeModules, parseProbeModules } from './config.ts';

export const DEFAULT_PROBE_MODULES_YAML = `modules:
  http_2xx:
    prober: http
  http_post_2xx:
    prober: http
    http:
      method: POST
  tcp_connect:
    prober: tcp
  icmp:
    prober: icmp
  dns:
    prober: dns
    dns:
      query_name: localhost
      query_type: A
`;

export function defaultProbeModules(): ProbeModules {
  return parseProbeModules(DEFAULT_PROBE_MODULES_YAML, '<default probe modules>');
}
