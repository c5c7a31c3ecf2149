// Running it for real: what `cmake --install` lays out, the configuration file, the
// systemd unit, and Debian's nginx in front of the server over TLS on loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { freePort, repo, run, startServer, votesIn, waitForLine } from '../lib/harness.mjs';
import { nginxSite, startNginx } from '../lib/nginx.mjs';

const releaseDir = process.env.ROUNDTABLE_RELEASE_DIR || path.join(repo, 'build');
const tmp = (name) => fs.mkdtempSync(path.join(os.tmpdir(), `roundtable-${name}-`));

// Installs the release build into a staging folder, as a package build would.
function install() {
  const dest = tmp('install');
  execFileSync('cmake', ['--install', releaseDir], { env: { ...process.env, DESTDIR: dest }, stdio: 'pipe' });
  return dest;
}

test('cmake --install lays out the binary, web client, agendas, configuration, unit and nginx site', async () => {
  const dest = install();
  try {
    for (const f of ['usr/bin/roundtable', 'usr/share/roundtable/web/index.html', 'usr/share/roundtable/web/app.js',
      'usr/share/roundtable/web/vendor/preact-htm.js', 'usr/share/roundtable/web/i18n/ar.json',
      'usr/share/roundtable/agendas/engagement-session.json', 'usr/share/roundtable/agendas/training-programme.json',
      'etc/roundtable/roundtable.conf', 'usr/lib/systemd/system/roundtable.service',
      'usr/share/roundtable/nginx/roundtable.conf', 'usr/share/roundtable/nginx/roundtable-pinned.conf',
      'usr/lib/systemd/system/roundtable@.service']) {
      assert.ok(fs.existsSync(path.join(dest, f)), `${f} is installed`);
    }
    const bin = path.join(dest, 'usr/bin/roundtable');
    fs.accessSync(bin, fs.constants.X_OK);
    // The installed binary looks for the installed web client when its build tree is gone.
    assert.match(fs.readFileSync(bin).toString('latin1'), /\/usr\/share\/roundtable\/web/);
    // The shipped configuration is valid apart from the folders of a real installation.
    const shipped = await run(['serve', '--config', path.join(dest, 'etc/roundtable/roundtable.conf'), '--check-config'], {}, bin);
    assert.match(shipped.stdout, /^data = \/var\/lib\/roundtable$/m);
    assert.match(shipped.stdout, /^origin = https:\/\/consult\.example\.org$/m);
    assert.match(shipped.stdout, /^trusted-proxy = 127\.0\.0\.1$/m);
    assert.match(shipped.stdout, /^rate = 20 {2}# the default$/m);
  } finally {
    fs.rmSync(dest, { recursive: true, force: true });
  }
});

test('the configuration file: every setting checked with its line, command-line options win, serve runs from it', async () => {
  const dest = install();
  const dir = tmp('config');
  try {
    const bin = path.join(dest, 'usr/bin/roundtable');
    const port = await freePort();
    const conf = path.join(dir, 'roundtable.conf');
    const shipped = fs.readFileSync(path.join(dest, 'etc/roundtable/roundtable.conf'), 'utf8');
    const mine = shipped
      .replace(/^data = .*$/m, `data = ${path.join(dir, 'data')}`)
      .replace(/^port = .*$/m, `port = ${port}`)
      .replace(/^web = .*$/m, `web = "${path.join(dest, 'usr/share/roundtable/web')}"`)
      .replace(/^# rate = 20$/m, 'rate = 30  # busier than usual');
    assert.notEqual(mine, shipped);
    fs.writeFileSync(conf, mine);
    let r = await run(['serve', '--config', conf, '--check-config'], {}, bin);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /configuration OK/);
    assert.match(r.stdout, new RegExp(`^port = ${port}$`, 'm'));
    assert.match(r.stdout, /^rate = 30$/m);
    // The command line wins; its --origin replaces the file's.
    r = await run(['serve', '--config', conf, '--port', '0', '--origin', 'https://other.example.org', '--check-config'], {}, bin);
    assert.match(r.stdout, /^port = 0$/m);
    assert.match(r.stdout, /^origin = https:\/\/other\.example\.org$/m);
    assert.doesNotMatch(r.stdout, /consult\.example\.org/);
    // Mistakes name their line, and nothing starts.
    const bad = [
      ['colour = blue', /:1: 'colour' is not an option of serve/],
      ['# fine\nport = 70000', /--port must be a number from 0 to 65535\nroundtable: \(that is .*, line 2\)/],
      ['rotate = cochair', /:1: 'rotate' is not an option of serve/],
      ['config = /etc/passwd', /:1: 'config' goes on the command line, not in the file/],
      ['check-config', /:1: 'check-config' goes on the command line, not in the file/],
      ['origin = ftp://x', /--origin takes up to 4 origins/],
      ['web = "unterminated', /:1: a quoted value must end with its quote/],
      ['= 8080', /:1: expected 'name = value'/],
    ];
    for (const [text, re] of bad) {
      fs.writeFileSync(path.join(dir, 'bad.conf'), `${text}\n`);
      const b = await run(['serve', '--config', path.join(dir, 'bad.conf')], {}, bin);
      assert.equal(b.code, 2, text);
      assert.match(b.stderr, re, text);
    }
    const missing = await run(['serve', '--config', path.join(dir, 'nope.conf')], {}, bin);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope\.conf: No such file or directory/);
    const unusable = await run(['serve', '--config', conf, '--web', dir, '--check-config'], {}, bin);
    assert.equal(unusable.code, 1);
    assert.match(unusable.stderr, /no readable index\.html/);

    // The installed server, from its file.
    const made = await run(['new', path.join(dest, 'usr/share/roundtable/agendas/engagement-session.json'),
      '--data', path.join(dir, 'data'), '--json'], {}, bin);
    assert.equal(made.code, 0, made.stderr);
    const proc = spawn(bin, ['serve', '--config', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await waitForLine(proc, /listening on/);
      const res = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-security-policy'), /wss:\/\/consult\.example\.org/);
    } finally {
      proc.kill('SIGTERM');
      const code = await new Promise((resolve) => proc.once('exit', resolve));
      assert.equal(code, 0);
    }
  } finally {
    fs.rmSync(dest, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the systemd unit passes systemd-analyze verify, hardened and stopping gracefully', async () => {
  const dest = install();
  try {
    const unit = fs.readFileSync(path.join(dest, 'usr/lib/systemd/system/roundtable.service'), 'utf8');
    for (const line of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'ReadWritePaths=/var/lib/roundtable', 'PrivateTmp=yes',
      'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX', 'MemoryDenyWriteExecute=yes', 'KillSignal=SIGTERM', 'Restart=on-failure',
      'CapabilityBoundingSet=', 'StateDirectory=roundtable']) {
      assert.match(unit, new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), line);
    }
    // verify checks that the programs exist: point it at the staged ones.
    const staged = unit.replaceAll('/usr/bin/roundtable', path.join(dest, 'usr/bin/roundtable'))
      .replaceAll('/etc/roundtable/roundtable.conf', path.join(dest, 'etc/roundtable/roundtable.conf'));
    const file = path.join(dest, 'roundtable.service');
    fs.writeFileSync(file, staged);
    const r = await run(['verify', file], {}, 'systemd-analyze');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.split('\n').filter((l) => l.includes('roundtable.service')).join('\n'), '');

    // roundtable@NAME.service, for several servers (deploy/scaling.md): the same unit, with the
    // instance's own configuration file and data folder.
    const template = fs.readFileSync(path.join(dest, 'usr/lib/systemd/system/roundtable@.service'), 'utf8');
    const expected = unit.replaceAll('/etc/roundtable/roundtable.conf', '/etc/roundtable/%i.conf')
      .replace(/^StateDirectory=roundtable$/m, 'StateDirectory=roundtable/%i')
      .replace(/^ReadWritePaths=\/var\/lib\/roundtable$/m, 'ReadWritePaths=/var/lib/roundtable/%i')
      .replace('Description=Roundtable:', 'Description=Roundtable %i:');
    assert.notEqual(expected, unit);
    assert.equal(template, expected);
    const instance = path.join(dest, 'roundtable@one.service');
    fs.writeFileSync(instance, template.replaceAll('/usr/bin/roundtable', path.join(dest, 'usr/bin/roundtable'))
      .replaceAll('/etc/roundtable/%i.conf', path.join(dest, 'etc/roundtable/roundtable.conf')));
    const ri = await run(['verify', instance], {}, 'systemd-analyze');
    assert.equal(ri.code, 0, ri.stderr);
    assert.equal(ri.stderr.split('\n').filter((l) => l.includes('roundtable@')).join('\n'), '');
  } finally {
    fs.rmSync(dest, { recursive: true, force: true });
  }
});

// The nginx site from deploy/nginx, on loopback ports, with a self-signed certificate.
test('behind Debian\'s nginx over TLS: nginx -t accepts the site, and a participant flow completes through it', async () => {
  const dir = tmp('nginx');
  let stopNginx;
  const upstream = await freePort();
  // Both sites forward Upgrade only when it is websocket (the server's HTTP/2 code stays out of
  // reach), and clear it where no WebSocket goes.
  for (const file of ['roundtable.conf', 'roundtable-pinned.conf']) {
    const text = fs.readFileSync(path.join(repo, 'deploy/nginx', file), 'utf8');
    assert.match(text, /map \$http_upgrade \$roundtable_upgrade \{\s*default "";\s*"~\*\^websocket\$" websocket;\s*\}/, file);
    assert.doesNotMatch(text, /proxy_set_header Upgrade \$http_upgrade/, file);
    const locations = text.split(/\n\s*location /).slice(1);
    for (const loc of locations.filter((l) => /proxy_pass/.test(l))) {
      assert.match(loc, /proxy_set_header Upgrade (\$roundtable_upgrade|"");/, `${file}: location ${loc.split('\n')[0]}`);
    }
  }
  const site = await nginxSite(dir, 'roundtable.conf', { 8080: upstream });
  const { origin, ca } = site;
  const srv = await startServer({ port: upstream, serveArgs: ['--origin', origin, '--trusted-proxy', '127.0.0.1'] });
  try {
    stopNginx = await startNginx(site);
    const page = await new Promise((resolve, reject) => {
      https.get(`${origin}/`, { ca }, (r) => { r.resume(); resolve(r); }).on('error', reject);
    });
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['strict-transport-security'], 'max-age=31536000');
    assert.match(page.headers['content-security-policy'], new RegExp(`connect-src 'self' wss://127\\.0\\.0\\.1:${site.tls}`));
    for (const p of ['metrics', 'healthz']) {
      const hidden = await new Promise((resolve, reject) => {
        https.get(`${origin}/${p}`, { ca }, (r) => { r.resume(); resolve(r); }).on('error', reject);
      });
      assert.equal(hidden.statusCode, 403, `/${p} is not for the internet`);
    }
    const redirect = await fetch(`http://127.0.0.1:${site.plain}/`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);

    // Browsers through the proxy: the page's origin is the public one.
    const via = { url: `wss://127.0.0.1:${site.tls}/ws`, wsOptions: { ca, origin } };
    const chair = await srv.connect(srv.tokens.cochair, via);
    // The consultation's own socket, beside its page, as the web client opens it.
    const alice = await srv.connect(srv.tokens.participant, { ...via, url: `wss://127.0.0.1:${site.tls}/c/${srv.consultation}/ws` });
    const bob = await srv.connect(srv.tokens.invitations[0], via);
    const stage = await srv.connect(srv.tokens.stage, via);
    const posted = await alice.command({ type: 'question.post', text: 'Through the proxy?', lang: 'en' });
    assert.equal(posted.type, 'ack');
    const q = posted.result.question.id;
    assert.equal((await chair.command({ type: 'question.approve', question: q })).type, 'ack');
    assert.equal((await bob.command({ type: 'question.vote', question: q })).type, 'ack');
    const votes = await stage.next((m) => votesIn(m, q) !== undefined);
    assert.equal(votesIn(votes, q), 1);
    await alice.next((m) => m.type === 'question.approved' && m.question.id === q);
    // A page of another origin is refused through the proxy too.
    const foreign = await srv.connect(srv.tokens.stage, { url: via.url, wsOptions: { ca, origin: 'https://evil.example' } })
      .then(() => 'open', () => 'refused');
    assert.equal(foreign, 'refused');

    // Only a WebSocket upgrade reaches the server: an h2c upgrade (with an absurd HPACK table
    // size) is forwarded as a plain request, on the socket's path and on a file's.
    for (const p of ['/ws', `/c/${srv.consultation}/ws`, '/']) {
      const res = await new Promise((resolve, reject) => {
        const sock = tls.connect({ host: '127.0.0.1', port: site.tls, ca, ALPNProtocols: ['http/1.1'] }, () => {
          sock.write(`GET ${p} HTTP/1.1\r\nHost: 127.0.0.1:${site.tls}\r\nConnection: Upgrade, HTTP2-Settings\r\n` +
            'Upgrade: h2c\r\nHTTP2-Settings: AAH_____\r\n\r\n');
        });
        let data = '';
        sock.setEncoding('latin1');
        sock.on('data', (d) => {
          data += d;
          if (/\r\n\r\n/.test(data)) { sock.destroy(); resolve(data); }
        });
        sock.on('error', reject);
        sock.on('close', () => resolve(data));
      });
      assert.match(res, /^HTTP\/1\.1 (200|404|400) /, `${p}: ${res.slice(0, 80)}`);
      assert.doesNotMatch(res, /^HTTP\/1\.1 101|Upgrade: h2c/i, p);
    }
    assert.equal((await chair.command({ type: 'clock.sync' })).type, 'clock.now');
  } finally {
    // The server first: nginx's graceful quit would wait for the sockets it proxies.
    await srv.stop();
    if (stopNginx) await stopNginx();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// The Dockerfile cannot be built here (no registry): it is kept in step with the install rules
// and with setup.sh by reading it.
test('deploy/Dockerfile: its copies exist, its runtime stage has every library the binary needs, it runs as a user', async () => {
  const text = fs.readFileSync(path.join(repo, 'deploy/Dockerfile'), 'utf8');
  // Instructions, with continuation lines joined and comments dropped.
  const instructions = text.replace(/\\\n/g, ' ').split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'))
    .map((l) => l.trim().split(/\s+/));
  const stages = [];
  for (const ins of instructions) {
    if (ins[0] === 'FROM') stages.push({ from: ins[1], name: ins[3], ins: [] });
    else stages[stages.length - 1].ins.push(ins);
  }
  assert.equal(stages.length, 2, 'a build stage and a runtime stage');
  for (const s of stages) assert.equal(s.from, 'debian:12-slim');
  const [build, runtime] = stages;
  const aptPackages = (stage) => stage.ins.filter((i) => i[0] === 'RUN').flatMap((i) => {
    const cmd = i.join(' ');
    const m = /apt-get install -y --no-install-recommends ([^&]+)/.exec(cmd);
    return m ? m[1].trim().split(/\s+/) : [];
  });

  // The build stage installs what deploy/setup.sh installs to build.
  const setup = fs.readFileSync(path.join(repo, 'deploy/setup.sh'), 'utf8');
  const base = /^packages=\(([^)]*)\)/m.exec(setup)[1].split(/\s+/).filter(Boolean);
  for (const p of [...base, 'nodejs', 'npm']) assert.ok(aptPackages(build).includes(p), `the build stage installs ${p}`);

  // Every file the build stage copies from the repository exists, and so does every file the
  // cmake configuration reads (the build would fail on a clean context otherwise).
  const copied = [];
  for (const i of build.ins.filter((x) => x[0] === 'COPY')) {
    const srcs = i.slice(1, -1);
    for (const src of srcs) {
      assert.ok(fs.existsSync(path.join(repo, src)), `COPY ${src}: it exists`);
      copied.push(src.replace(/\/$/, ''));
    }
  }
  const cmake = fs.readFileSync(path.join(repo, 'CMakeLists.txt'), 'utf8');
  const outside = cmake.split('\n').filter((l) => !/^\s*#/.test(l) && !/tests/.test(l))
    .flatMap((l) => [...l.matchAll(/(?:\$\{CMAKE_SOURCE_DIR\}\/|\b)((?:server|web-client|protocol|deploy|cmake)\/[\w./-]+|README\.md)/g)].map((m) => m[1]));
  assert.ok(outside.length >= 5);
  for (const f of outside) assert.ok(copied.some((c) => f === c || f.startsWith(`${c}/`)), `${f} is read by the build but not copied`);

  // The runtime stage copies from the install tree, so each path must be one the install rules make.
  const dest = install();
  try {
    const fromBuild = runtime.ins.filter((i) => i[0] === 'COPY' && i[1] === '--from=build');
    assert.ok(fromBuild.length >= 3);
    for (const i of fromBuild) {
      const src = i[2];
      assert.match(src, /^\/out\//);
      assert.ok(fs.existsSync(path.join(dest, src.slice('/out/'.length))), `COPY --from=build ${src}: the install makes it`);
    }
    const binary = path.join(dest, 'usr/bin/roundtable');
    // Every library the installed binary loads comes from a package the runtime stage installs,
    // or from one every debian:12-slim has (the C library and what it depends on).
    const inBaseImage = ['libc6', 'libgcc-s1'];
    const libs = execFileSync('ldd', [binary], { encoding: 'utf8' }).split('\n')
      .map((l) => /=> (\/\S+)/.exec(l)?.[1]).filter(Boolean);
    assert.ok(libs.length >= 5, 'ldd lists the libraries');
    const runtimePackages = aptPackages(runtime);
    for (const lib of libs) {
      let owner;
      for (const p of [fs.realpathSync(lib), lib]) {
        try {
          owner = execFileSync('dpkg', ['-S', p], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split(':')[0];
          break;
        } catch { /* try the other spelling of the path */ }
      }
      assert.ok(owner, `a package owns ${lib}`);
      assert.ok(runtimePackages.includes(owner) || inBaseImage.includes(owner), `${lib} (${owner}) is installed in the runtime stage`);
    }
    // The default command is one the installed binary accepts with the installed configuration.
    const cmd = JSON.parse(runtime.ins.find((i) => i[0] === 'CMD').slice(1).join(' '));
    assert.equal(JSON.parse(runtime.ins.find((i) => i[0] === 'ENTRYPOINT').slice(1).join(' '))[0], 'roundtable');
    const args = cmd.map((a) => (a.startsWith('/etc/') ? path.join(dest, a) : a));
    const checked = await run([...args, '--check-config', '--data', tmp('docker-data'), '--web', path.join(dest, 'usr/share/roundtable/web')], {}, binary);
    assert.equal(checked.code, 0, checked.stderr);
    assert.match(checked.stdout, /^listen = 0\.0\.0\.0$/m);
  } finally {
    fs.rmSync(dest, { recursive: true, force: true });
  }

  // Never root: a USER with a numeric id other than 0, after which nothing runs as root.
  const user = runtime.ins.filter((i) => i[0] === 'USER');
  assert.equal(user.length, 1);
  assert.match(user[0][1], /^[1-9]\d*(:[1-9]\d*)?$/);
  const after = runtime.ins.slice(runtime.ins.indexOf(user[0]));
  assert.ok(!after.some((i) => i[0] === 'RUN'), 'nothing runs after USER (it would run as the user, not install)');
  assert.ok(runtime.ins.some((i) => i[0] === 'VOLUME' && i[1] === '/var/lib/roundtable'));
  assert.match(text, /useradd --system --uid 10001 /);
});
