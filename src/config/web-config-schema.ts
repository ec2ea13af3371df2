/** Strict zod schema of the exporter-toolkit web config file: unknown keys are errors with file:line:col. */
import { z } from 'zod';
import { zbool, zmap, zstr, zstrlist } from './schema-scalars.ts';

export const CLIENT_AUTH_TYPES = [
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
] as const;

export const TLS_VERSIONS = ['TLS10', 'TLS11', 'TLS12', 'TLS13'] as const;

const tlsSchema = z.strictObject({
  cert_file: zstr.optional(),
  key_file: zstr.optional(),
  cert: zstr.optional(),
  key: zstr.optional(),
  client_auth_type: zstr.optional(),
  client_ca_file: zstr.optional(),
  client_ca: zstr.optional(),
  client_allowed_sans: zstrlist().optional(),
  min_version: zstr.optional(),
  max_version: zstr.optional(),
  cipher_suites: zstrlist().optional(),
  prefer_server_cipher_suites: zbool.optional(),
  curve_preferences: zstrlist().optional(),
});

const httpSchema = z.strictObject({
  http2: zbool.optional(),
  headers: zmap(zstr).optional(),
});

const rateLimitSchema = z.strictObject({ interval: zstr.optional(), burst: zstr.optional() });

export const webConfigSchema = z.strictObject({
  tls_server_config: tlsSchema.nullable().optional(),
  http_server_config: httpSchema.nullable().optional(),
  basic_auth_users: zmap(zstr).nullable().optional(),
  rate_limit: rateLimitSchema.nullable().optional(),
});

export type WebConfigRaw = z.infer<typeof webConfigSchema>;

const GO_TYPES: Record<string, string> = {
  '': 'web.Config',
  tls_server_config: 'web.TLSConfig',
  http_server_config: 'web.HTTPConfig',
};

/** Go type names, so unknown-field errors read like the exporter toolkit's. */
export function webConfigTypeNameAt(path: readonly (string | number)[]): string | undefined {
  return GO_TYPES[path.join('.')];
}
