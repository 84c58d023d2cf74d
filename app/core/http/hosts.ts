import { HttpError } from './errors.js';

/**
 * Django-style ALLOWED_HOSTS: exact names, `.example.com` for the domain and its subdomains, `*` for any.
 * The port is ignored; IPv6 literals keep their brackets.
 */
export function hostAllowed(hostHeader: string | undefined, allowed: string[]): boolean {
  if (!hostHeader) return false;
  const host = hostHeader.toLowerCase().replace(/:\d+$/, '');
  return allowed.some((pattern) => {
    if (pattern === '*') return true;
    if (pattern.startsWith('.')) return host === pattern.slice(1) || host.endsWith(pattern);
    return host === pattern;
  });
}

/** 400 invalid_host unless the request's Host header is allowed (first check of every request). */
export function refuseForeignHost(hostHeader: string | undefined, allowed: string[]): void {
  if (!hostAllowed(hostHeader, allowed)) throw new HttpError(400, 'invalid_host', 'Invalid Host header');
}
