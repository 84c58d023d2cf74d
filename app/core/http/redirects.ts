const BASE = 'http://local.invalid';
/** C0 controls, DEL and backslashes: browsers strip or reinterpret them inside URLs. */
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f\\]/;

/**
 * The same-origin path a redirect may go to, or `fallback`. The decision is made on the NORMALISED
 * target — the string that is sent in the Location header — because normalisation is what turns
 * `/.//evil.example`, `/%2e//evil.example` or `/..//evil.example` into the scheme-relative `//evil.example`.
 * The result is checked again after a second normalisation, so what the browser resolves is what was
 * checked.
 */
export function localPath(candidate: unknown, fallback = '/'): string {
  return sameOriginPath(candidate) ?? fallback;
}

/** Like localPath, but undefined instead of a fallback: for "come back here afterwards" values. */
export function optionalLocalPath(candidate: unknown): string | undefined {
  return sameOriginPath(candidate) ?? undefined;
}

function sameOriginPath(candidate: unknown): string | null {
  if (typeof candidate !== 'string' || candidate === '' || candidate.length > 2048) return null;
  if (!candidate.startsWith('/') || UNSAFE_CHARACTERS.test(candidate)) return null;
  const normalised = normalise(candidate);
  if (normalised === null || normalise(normalised) !== normalised) return null;
  return normalised;
}

function normalise(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE || url.username || url.password) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // A path that starts with two slashes (or slash-backslash) is read by browsers as another host.
  if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\') || UNSAFE_CHARACTERS.test(path)) return null;
  return path;
}
