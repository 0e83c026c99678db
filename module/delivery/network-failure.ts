/**
 * What kind of network failure ended a request, from the error's code (Node's and got's), so the
 * admin's words come from a structured value rather than from reading the error text.
 */
export type NetworkFailure = 'dns' | 'refused' | 'timeout' | 'tls' | 'reset' | 'blocked' | 'invalid_url' | 'other';

const TLS_CODES =
  /^(CERT_|UNABLE_TO_(GET|VERIFY)_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_|ERR_SSL_|EPROTO$|HOSTNAME_MISMATCH)/;

export function networkFailureOf(err: { code?: string; name?: string; message?: string }): NetworkFailure {
  const code = err.code ?? '';
  if (code === 'EINVALIDURL') return 'invalid_url';
  // The guarded agents refuse private and local targets with this wording (guarded-agent.ts).
  if (/is not allowed/.test(err.message ?? '')) return 'blocked';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NODATA' || code === 'EAI_NONAME') return 'dns';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || err.name === 'TimeoutError') return 'timeout';
  if (TLS_CODES.test(code)) return 'tls';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return 'reset';
  return 'other';
}
