export type AlertmanagerService = import('./alertmanager.ts').Alertmanager; export function registerAlertmanagerRoutes(): void {}
