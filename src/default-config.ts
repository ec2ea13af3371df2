/**
 * The built-in configuration used when no --config.file is given: Osprey scrapes itself and its host
 * (through the built-in host collector), so a fresh `npm start` shows live data.
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
`;
}

/** The built-in alertmanager.yml: one receiver without integrations, so alerts are kept and shown only. */
export const DEFAULT_ALERTMANAGER_YAML = `route:
  receiver: default
  group_by: ['alertname']
receivers:
  - name: default
`;
