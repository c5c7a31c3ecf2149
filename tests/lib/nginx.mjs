// Debian's nginx in front of Roundtable on loopback, for the deployment tests: one of the sites
// in deploy/nginx/ with its public ports, certificate and upstream servers moved to free
// loopback ports, run as an unprivileged nginx in a folder of its own.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort, repo, run, TIMEOUT_MS } from './harness.mjs';

// Writes `dir`/nginx.conf for deploy/nginx/`siteFile`, with the upstream servers' ports
// replaced as `upstreams` says ({ 8080: 41234 }), and `extra` files written beside it
// ({ 'pins.map': '...' }, referred to in the site by their /etc/roundtable/ path).
// Returns { tls, plain, conf, origin, ca }.
export async function nginxSite(dir, siteFile, upstreams, extra = {}) {
  const tls = await freePort();
  const plain = await freePort();
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'),
    '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  let site = fs.readFileSync(path.join(repo, 'deploy/nginx', siteFile), 'utf8');
  const edits = [
    [/^\s*listen 80;$/m, `    listen 127.0.0.1:${plain};`],
    [/^\s*listen \[::\]:80;\n/m, ''],
    [/^\s*listen 443 ssl http2;$/m, `    listen 127.0.0.1:${tls} ssl http2;`],
    [/^\s*listen \[::\]:443 ssl http2;\n/m, ''],
    [/ssl_certificate\s+\S+;/, `ssl_certificate ${path.join(dir, 'cert.pem')};`],
    [/ssl_certificate_key\s+\S+;/, `ssl_certificate_key ${path.join(dir, 'key.pem')};`],
    ...Object.entries(upstreams).map(([from, to]) => [new RegExp(`server 127\\.0\\.0\\.1:${from};`, 'g'), `server 127.0.0.1:${to};`]),
    ...Object.keys(extra).map((name) => [new RegExp(`/etc/roundtable/${name.replace('.', '\\.')}`, 'g'), path.join(dir, name)]),
  ];
  for (const [re, to] of edits) {
    assert.match(site, re, `the site still has ${re}`);
    site = site.replace(re, to);
  }
  for (const [name, text] of Object.entries(extra)) fs.writeFileSync(path.join(dir, name), text);
  fs.writeFileSync(path.join(dir, 'site.conf'), site);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${path.join(dir, t)};`).join('\n  ');
  fs.writeFileSync(path.join(dir, 'nginx.conf'), `worker_processes 1;
pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(dir, 'error.log')} warn;
daemon off;
events { worker_connections 256; }
http {
  ${temp}
  include ${path.join(dir, 'site.conf')};
}
`);
  return {
    dir, tls, plain, conf: path.join(dir, 'nginx.conf'),
    origin: `https://127.0.0.1:${tls}`,
    ca: fs.readFileSync(path.join(dir, 'cert.pem')),
  };
}

export function waitForPort(port, ms = TIMEOUT_MS) {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(); });
      s.once('error', () => (Date.now() > end ? reject(new Error(`nothing on port ${port}`)) : setTimeout(attempt, 50)));
    };
    attempt();
  });
}

// Checks the site with `nginx -t`, starts nginx and waits for its TLS port; returns a stop().
export async function startNginx(site) {
  const t = await run(['-t', '-c', site.conf, '-p', site.dir], {}, 'nginx');
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stderr, /syntax is ok/);
  const proc = spawn('nginx', ['-c', site.conf, '-p', site.dir], { stdio: 'ignore' });
  await waitForPort(site.tls);
  return async () => {
    if (proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  };
}
