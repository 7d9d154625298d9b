/**
 * Delivery settings, from the environment (defaults are the deployed ones; `npm start` and the
 * tests loosen the first two and shorten the backoff: scripts/event-runner.ts, docs/EVENTS.md).
 *
 *   WEBHOOK_ALLOW_HTTP=true        http:// endpoints accepted (locally); deployed: https only
 *   WEBHOOK_ALLOW_LOOPBACK=true    127.0.0.0/8 and ::1 reachable (a receiver on this machine); never deployed
 *   WEBHOOK_TIMEOUT_MS             one attempt's limit, connect to last byte read (default 10 000)
 *   WEBHOOK_MAX_RESPONSE_BYTES     the most of a response body read (default 4096; the rest is dropped)
 *   WEBHOOK_BACKOFF_BASE_MS        first retry delay (default 30 000), doubling per attempt ...
 *   WEBHOOK_BACKOFF_CAP_MS         ... up to this (default 12 h, SQS's longest visibility timeout)
 *   WEBHOOK_MAX_ATTEMPTS           then dead (default 13: ~29 h of retries; = the queue's maxReceiveCount)
 */
export interface WebhookSettings {
  allowHttp: boolean;
  allowLoopback: boolean;
  timeoutMs: number;
  maxResponseBytes: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  maxAttempts: number;
}

const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
};

export function webhookSettings(): WebhookSettings {
  return {
    allowHttp: process.env.WEBHOOK_ALLOW_HTTP === 'true',
    allowLoopback: process.env.WEBHOOK_ALLOW_LOOPBACK === 'true',
    timeoutMs: int('WEBHOOK_TIMEOUT_MS', 10_000),
    maxResponseBytes: int('WEBHOOK_MAX_RESPONSE_BYTES', 4096),
    backoffBaseMs: int('WEBHOOK_BACKOFF_BASE_MS', 30_000),
    backoffCapMs: int('WEBHOOK_BACKOFF_CAP_MS', 12 * 3600_000),
    maxAttempts: int('WEBHOOK_MAX_ATTEMPTS', 13),
  };
}

/**
 * The wait before attempt `attempt + 1` after `attempt` failed (1-based): base * 2^(attempt-1),
 * capped; no jitter needed, as each (event, endpoint) message waits on its own.
 * Defaults: 30 s, 1 min, 2 min ... 8.5 h, 12 h: 12 waits, ~29 h in all.
 */
export function retryDelayMs(attempt: number, s: Pick<WebhookSettings, 'backoffBaseMs' | 'backoffCapMs'>): number {
  return Math.min(s.backoffCapMs, s.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
}
