/** Configs with a distinct marker (S3CRET-...) in every secret field, for the leak tests. */

export const PROMETHEUS_SECRETS_YAML = `global:
  scrape_interval: 1s
scrape_configs:
  - job_name: basic
    basic_auth: {username: u, password: S3CRET-basic-password}
    static_configs: [{targets: ['127.0.0.1:1']}]
  - job_name: authz
    authorization: {type: Bearer, credentials: S3CRET-authz-credentials}
    static_configs: [{targets: ['127.0.0.1:1']}]
  - job_name: oauth
    oauth2:
      client_id: id
      client_secret: S3CRET-oauth-client-secret
      token_url: http://127.0.0.1:1/token
    static_configs: [{targets: ['127.0.0.1:1']}]
  - job_name: tlskey
    scheme: https
    tls_config: {cert: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n", key: S3CRET-tls-inline-key}
    static_configs: [{targets: ['127.0.0.1:1']}]
  - job_name: proxyhdr
    proxy_url: http://127.0.0.1:3128
    proxy_connect_header: {Proxy-Authorization: [S3CRET-proxy-header]}
    static_configs: [{targets: ['127.0.0.1:1']}]
  - job_name: consul
    consul_sd_configs: [{server: '127.0.0.1:8500', token: S3CRET-consul-token}]
alerting:
  alertmanagers:
    - basic_auth: {username: am, password: S3CRET-am-password}
      static_configs: [{targets: ['127.0.0.1:1']}]
remote_write:
  - url: http://127.0.0.1:1/write
    basic_auth: {username: rw, password: S3CRET-rw-password}
  - url: http://127.0.0.1:1/write2
    sigv4: {region: us-east-1, access_key: AKIA, secret_key: S3CRET-sigv4-secret}
  - url: http://127.0.0.1:1/write3
    oauth2: {client_id: id, client_secret: S3CRET-rw-oauth, token_url: 'http://127.0.0.1:1/t'}
remote_read:
  - url: http://127.0.0.1:1/read
    authorization: {credentials: S3CRET-rr-credentials}
`;

export const ALERTMANAGER_SECRETS_YAML = `global:
  smtp_smarthost: 127.0.0.1:25
  smtp_from: a@example.org
  smtp_auth_username: u
  smtp_auth_password: S3CRET-smtp-password
  smtp_auth_secret: S3CRET-smtp-secret
  slack_api_url: https://hooks.slack.example/S3CRET-global-slack
  opsgenie_api_key: S3CRET-global-opsgenie
  victorops_api_key: S3CRET-global-victorops
  wechat_api_secret: S3CRET-global-wechat
  telegram_bot_token: S3CRET-global-telegram
  http_config:
    basic_auth: {username: u, password: S3CRET-global-http-password}
route:
  receiver: all
receivers:
  - name: all
    email_configs:
      - to: b@example.org
        auth_password: S3CRET-email-password
    slack_configs:
      - api_url: https://hooks.slack.example/S3CRET-slack-url
        channel: '#x'
    pagerduty_configs:
      - routing_key: S3CRET-pd-routing
      - service_key: S3CRET-pd-service
    opsgenie_configs:
      - api_key: S3CRET-opsgenie-key
    victorops_configs:
      - api_key: S3CRET-victorops-key
        routing_key: rk
    pushover_configs:
      - user_key: S3CRET-pushover-user
        token: S3CRET-pushover-token
    webhook_configs:
      - url: https://hooks.example/S3CRET-webhook-url
        http_config:
          authorization: {credentials: S3CRET-webhook-bearer}
      - url: https://hooks.example/x
        http_config:
          oauth2: {client_id: i, client_secret: S3CRET-webhook-oauth, token_url: 'https://t.example/'}
    wechat_configs:
      - api_secret: S3CRET-wechat-secret
        corp_id: c
    telegram_configs:
      - bot_token: S3CRET-telegram-token
        chat_id: 1
    discord_configs:
      - webhook_url: https://discord.example/S3CRET-discord
    msteams_configs:
      - webhook_url: https://teams.example/S3CRET-msteams
    msteamsv2_configs:
      - webhook_url: https://teams.example/S3CRET-msteamsv2
    sns_configs:
      - topic_arn: arn:aws:sns:us-east-1:1:t
        sigv4: {region: us-east-1, access_key: AKIA, secret_key: S3CRET-sns-secret}
    webex_configs:
      - room_id: r
        api_url: https://webex.example/
        http_config: {authorization: {credentials: S3CRET-webex-token}}
    rocketchat_configs:
      - token: S3CRET-rocket-token
        token_id: S3CRET-rocket-tokenid
    mattermost_configs:
      - webhook_url: https://mm.example/S3CRET-mattermost
`;

/**
 * Receivers that only reach local ports (HOOK is replaced by a test server that answers 500; the rest are
 * closed), so a running server tries and fails to notify, and logs the failures.
 */
export const ALERTMANAGER_LOCAL_SECRETS_YAML = `global:
  smtp_smarthost: 127.0.0.1:1
  smtp_from: osprey@example.org
  smtp_auth_username: u
  smtp_auth_password: S3CRET-local-smtp-password
  smtp_require_tls: false
route:
  receiver: all
  group_wait: 0s
  group_interval: 1s
receivers:
  - name: all
    email_configs:
      - to: ops@example.org
    webhook_configs:
      - url: HOOK/hook/S3CRET-local-webhook-url
        http_config:
          basic_auth: {username: u, password: S3CRET-local-webhook-password}
    slack_configs:
      - api_url: http://127.0.0.1:1/slack/S3CRET-local-slack-url
        channel: '#ops'
    discord_configs:
      - webhook_url: http://127.0.0.1:1/discord/S3CRET-local-discord
    telegram_configs:
      - bot_token: S3CRET-local-telegram
        api_url: http://127.0.0.1:1/
        chat_id: 1
    pagerduty_configs:
      - routing_key: S3CRET-local-pd
        url: http://127.0.0.1:1/pd
`;
