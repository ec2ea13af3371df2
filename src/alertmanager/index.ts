/** The alert manager: routing, grouping, inhibition, silences, notification log, pipeline, API v2. */
export {
  Alertmanager,
  type AlertFilter,
  type AlertmanagerOptions,
  type AlertStatus,
  type AlertView,
  type AmLogger,
  type GroupView,
  type PostableAlert,
} from './alertmanager.ts';
export { registerAlertmanagerRoutes, type AlertmanagerService } from './api-v2.ts';
export type { Alert, AlertForNotify } from './types.ts';
export { isResolvedAt, toNotifyAlert } from './types.ts';
export {
  type Notifier,
  type NotifierFactory,
  type NotifyContext,
  type NotifyResult,
  noNotifiers,
  notifierFromFunction,
} from './notifier.ts';
export { fingerprintLabels } from './fingerprint.ts';
export { groupKey, labelSetString, Route } from './route.ts';
export { intervalContains, specContains, TimeIntervals } from './time-interval.ts';
export { type Silence, SilenceError, type SilenceInput, Silences, type SilenceState, silenceState } from './silences.ts';
export { type HistoryQuery, type NotificationAttempt, NotificationHistory } from './history.ts';
export { type NflogEntry, NotificationLog } from './nflog.ts';
export { Inhibitor } from './inhibit.ts';
export { AlertStore } from './alert-store.ts';
export { AggregationGroup, Dispatcher } from './dispatcher.ts';
export {
  type BackoffOptions,
  DEFAULT_BACKOFF,
  dedupStage,
  fanoutStage,
  type FlushContext,
  multiStage,
  muteStage,
  receiverPipeline,
  retryStage,
  setNotifiesStage,
  type Stage,
  timeActiveStage,
  timeMuteStage,
  waitStage,
} from './pipeline.ts';
export {
  type ApiMatcher,
  MatcherParseError,
  matchersToString,
  matcherFromApi,
  matcherToApi,
  parseMatcher,
  parseMatchers,
} from './matchers.ts';
