// Docker HEALTHCHECK of the app image: GET /healthz on the container's own port. Plain JavaScript, so a
// check costs no TypeScript compilation. The Host header must be one the app allows (ALLOWED_HOSTS).
import http from 'node:http';

const allowed = (process.env.ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim()).filter((h) => h && h !== '*');
const host = (allowed[0] ?? process.env.DOMAIN ?? 'localhost').replace(/^\./, '');
const request = http.get(
  { host: '127.0.0.1', port: Number(process.env.PORT ?? 8000), path: '/healthz', headers: { host }, timeout: 4000 },
  (response) => process.exit(response.statusCode === 200 ? 0 : 1),
);
request.on('timeout', () => request.destroy(new Error('timeout')));
request.on('error', () => process.exit(1));
