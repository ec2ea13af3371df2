/**
 * The built-in configuration used when no --config.file is given: Osprey scrapes itself, its host (through
 * the built-in host collector) and probes its own UI, so a fresh `npm start` shows live data.
 */
export function defaultConfigYaml(selfAddress: string): string {
  return `# Osprey built-in default configuration
global:
  scrape_interval: 15s
  evaluation_interval: 15s

scrape_configs:
  - job_name: osprey
    static_configs:
      - targets: ['${selfAddress}']

  - job_name: node
    metrics_path: /collectors/host/metrics
    static_configs:
      - targets: ['${selfAddress}']

  # A blackbox-style HTTP probe of Osprey's own UI, through the built-in /probe endpoint.
  - job_name: probe
    metrics_path: /probe
    params:
      module: [http_2xx]
    static_configs:
      - targets: ['http://${selfAddress}/']
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: '${selfAddress}'
`;
}

/** The built-in alertmanager.yml: one receiver without integrations, so alerts are kept and shown only. */
export const DEFAULT_ALERTMANAGER_YAML = `route:
  receiver: default
  group_by: ['alertname']
receivers:
  - name: default
`;
