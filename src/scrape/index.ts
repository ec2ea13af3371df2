export { fetchInProcess, type InProcessHandler, type InProcessPage, type InProcessResolver } from './in-process.ts';
export {
  type ActiveTarget,
  activeTargetJSON,
  type DroppedTarget,
  goTime,
  ScrapeManager,
  type ScrapeManagerOptions,
  type TargetsData,
} from './manager.ts';
export {
  type CompiledRelabelConfig,
  type CompileRelabelOptions,
  compileRelabelConfigs,
  hashMod,
  type NameValidationScheme,
  relabel,
  relabelBuilder,
} from './relabel.ts';
export { type FetchedPage, REPORT_NAMES, ScrapeLoop, type ScrapeStats } from './scrape-loop.ts';
export { type InProcessTarget, ScrapePool } from './scrape-pool.ts';
export { ERR_BODY_SIZE_LIMIT, HTTPScraper, USER_AGENT, VERSION } from './scraper.ts';
export {
  buildURL,
  discoveredLabels,
  type PopulateResult,
  populateLabels,
  Target,
  type TargetHealth,
} from './target.ts';
