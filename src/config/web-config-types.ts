/** The exporter-toolkit web configuration (`--web.config.file`), as loaded. Paths are absolute. */

export type ClientAuthType =
  | 'NoClientCert'
  | 'RequestClientCert'
  | 'RequireAnyClientCert'
  | 'VerifyClientCertIfGiven'
  | 'RequireAndVerifyClientCert';

export type TlsVersionName = 'TLS10' | 'TLS11' | 'TLS12' | 'TLS13';

export interface TlsServerConfig {
  /** Absolute path of the PEM certificate (chain), or '' when `cert` is inline. */
  cert_file: string;
  key_file: string;
  /** Inline PEM certificate (exporter-toolkit's `cert`). */
  cert: string;
  /** Inline PEM key (exporter-toolkit's `key`); a secret. */
  key: string;
  client_auth_type: ClientAuthType;
  client_ca_file: string;
  client_allowed_sans: string[];
  min_version: TlsVersionName;
  /** '' = newest the runtime supports. */
  max_version: TlsVersionName | '';
  /** Go cipher suite names (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, ...); empty = runtime defaults. */
  cipher_suites: string[];
  prefer_server_cipher_suites: boolean;
  /** Go curve names (X25519, CurveP256, CurveP384, CurveP521); empty = runtime defaults. */
  curve_preferences: string[];
}

export interface HttpServerConfig {
  http2: boolean;
  /** Response headers added to every answer, by canonical name. */
  headers: Record<string, string>;
}

export interface WebConfig {
  /** Absolute path of the file it came from ('' for inline text). */
  source_file: string;
  /** Absent when the file has no tls_server_config (plain HTTP). */
  tls_server_config?: TlsServerConfig;
  http_server_config: HttpServerConfig;
  /** user -> bcrypt hash. Empty = no authentication. */
  basic_auth_users: Record<string, string>;
}
