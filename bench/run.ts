// `npm run bench`: runs every benchmark and prints figures; where a benchmark runs the real Prometheus
// side by side, it prints the ratios. Select some with: npm run bench -- exposition tsdb scrape
const all: Record<string, () => Promise<unknown>> = {
  exposition: async () => (await import('./exposition.ts')).runExpositionBench(),
  tsdb: async () => (await import('./tsdb.ts')).runTsdbBench(),
  scrape: async () => (await import('./scrape.ts')).runScrapeBench(),
  promql: async () => (await import('./promql.ts')).runPromqlBench(),
  collectors: async () => (await import('./collectors.ts')).runCollectorsBench(),
  storage: async () => (await import('./storage.ts')).runStorageBench(),
  remote: async () => (await import('./remote.ts')).runRemoteBench(),
  ui: async () => (await import('./ui.ts')).runUiBench(),
  rules: async () => (await import('./rules.ts')).runRulesBench(),
  alertmanager: async () => (await import('./alertmanager.ts')).runAlertmanagerBench(),
};

const wanted = process.argv.slice(2).filter((a) => a in all);
for (const name of wanted.length > 0 ? wanted : Object.keys(all)) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  try {
    await all[name]();
  } catch (e) {
    console.log(`${name}: failed: ${(e as Error).stack}`);
    process.exitCode = 1;
  }
  console.log(`(${name} took ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
