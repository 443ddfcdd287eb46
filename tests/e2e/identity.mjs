// A local OAuth 2.0 identity server for the Connections e2e, shaped like Xero's: the authorize endpoint
// redirects to the app's loopback listener with a code and the state; the token endpoint trades the code for
// tokens only with the PKCE verifier of its S256 challenge, the same redirect URI and client. The app finds it
// through BACKDESK_XERO_IDENTITY_URL (scripts/e2e.sh).

import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

const base64url = (bytes) => Buffer.from(bytes).toString('base64').replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');

/** Starts the server on `port`; resolves to {exchanges, close}. `exchanges` lists each code traded. */
export function startIdentityServer(port) {
  const codes = new Map();
  const exchanges = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (request.method === 'GET' && url.pathname === '/identity/connect/authorize') {
      const q = url.searchParams;
      if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
        response.writeHead(400).end('authorize needs response_type=code and an S256 code_challenge');
        return;
      }
      const code = base64url(randomBytes(16));
      codes.set(code, { challenge: q.get('code_challenge'), redirect: q.get('redirect_uri'), client: q.get('client_id') });
      const back = new URL(q.get('redirect_uri'));
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      response.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (request.method === 'POST' && url.pathname === '/connect/token') {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const form = new URLSearchParams(body);
        const issued = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const ok =
          issued &&
          form.get('grant_type') === 'authorization_code' &&
          form.get('redirect_uri') === issued.redirect &&
          form.get('client_id') === issued.client &&
          base64url(createHash('sha256').update(verifier).digest()) === issued.challenge;
        exchanges.push({ client: form.get('client_id'), ok: Boolean(ok) });
        if (!ok) {
          response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_grant"}');
          return;
        }
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ access_token: base64url(randomBytes(24)), refresh_token: base64url(randomBytes(24)), expires_in: 1800, token_type: 'Bearer' }));
      });
      return;
    }
    response.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ exchanges, close: () => new Promise((done) => server.close(done)) }));
  });
}
