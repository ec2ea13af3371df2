/** The alert manager: routing, grouping, inhibition, silences, notification log, pipeline, API v2. */

export { AlertStore } from './alert-store.ts';
export {
  type AlertFilter,
  Alertmanager,
  type AlertmanagerOptions,
  type AlertStatus,
  type AlertView,
  type AmLogger,
  type GroupView,
  type PostableAlert,
} from './alertmanager.ts';
export { type AlertmanagerService, registerAlertmanagerRoutes } from './api-v2.ts';
export { type AlertmanagerCheckResult, checkAlertmanagerConfigFile } from './check.ts';
export { AggregationGroup, Dispatcher } from './dispatcher.ts';
export { fingerprintLabels } from './fingerprint.ts';
export { type HistoryQuery, type NotificationAttempt, NotificationHistory } from './history.ts';
export { Inhibitor } from './inhibit.ts';
export {
  type ApiMatcher,
  MatcherParseError,
  matcherFromApi,
  matchersToString,
  matcherToApi,
  parseMatcher,
  parseMatchers,
} from './matchers.ts';
export { type NflogEntry, NotificationLog } from './nflog.ts';
export {
  type Notifier,
  type NotifierFactory,
  type NotifyContext,
  type NotifyResult,
  noNotifiers,
  notifierFromFunction,
} from './notifier.ts';
export {
  type BackoffOptions,
  DEFAULT_BACKOFF,
  dedupStage,
  type FlushContext,
  fanoutStage,
  multiStage,
  muteStage,
  receiverPipeline,
  retryStage,
  type Stage,
  setNotifiesStage,
  timeActiveStage,
  timeMuteStage,
  waitStage,
} from './pipeline.ts';
export { groupKey, labelSetString, Route } from './route.ts';
export { formatMatchingTree, formatRoutingTree, testRouting } from './routing-tree.ts';
export {
  type Silence,
  SilenceError,
  type SilenceInput,
  type SilenceState,
  Silences,
  silenceState,
} from './silences.ts';
export { intervalContains, specContains, TimeIntervals } from './time-interval.ts';
export type { Alert, AlertForNotify } from './types.ts';
export { isResolvedAt, toNotifyAlert } from './types.ts';
