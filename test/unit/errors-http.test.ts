// The platform's one HTTP error handler, on the app createHttpApp makes (real fastify, inject).

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { SluiceError, useErrorFormat } from '../../src/errors/index.js';
import { LogQLParseError } from '../../src/logs/logql/index.js';
import { createHttpApp } from '../../src/platform/http-server.js';

describe('the HTTP error handler', () => {
  let app: FastifyInstance;
  const logged: Array<Record<string, unknown>> = [];

  before(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n')) if (line) logged.push(JSON.parse(line));
        done();
      },
    });
    app = createHttpApp(pino({ level: 'info' }, sink));
    app.get('/conflict', async () => {
      throw new SluiceError('CONFLICT', "topic 'orders' already exists", {
        hint: 'pick another name or delete the topic first',
        details: { topic: 'orders', code: 'overwritten?' },
      });
    });
    app.get(
      '/validated',
      {
        schema: { querystring: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] } },
      },
      async () => 'ok',
    );
    app.post('/echo', { bodyLimit: 10 }, async (req) => req.body);
    app.get('/bug', async () => {
      throw new Error('password=hunter2 in /etc/secret');
    });
    app.register(async (scope) => {
      useErrorFormat(scope, 'text');
      scope.get('/loki/query', async () => {
        throw new LogQLParseError('syntax error: unexpected $end', 1, 7);
      });
      scope.get('/loki/busy', async () => {
        throw new SluiceError('BUSY', 'max concurrent tail requests limit exceeded');
      });
      scope.get('/loki/bug', async () => {
        throw new TypeError('cannot read properties of undefined');
      });
    });
    await app.ready();
  });
  after(() => app.close());

  it('answers a SluiceError with its status and a body saying what and how to fix it', async () => {
    const res = await app.inject('/conflict');
    assert.equal(res.statusCode, 409);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.deepEqual(res.json(), {
      error: {
        topic: 'orders',
        code: 'CONFLICT',
        message: "topic 'orders' already exists",
        hint: 'pick another name or delete the topic first',
      },
    });
  });

  it("maps fastify's own errors to the same codes", async () => {
    const bad = await app.inject('/validated?n=seven');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'INVALID_ARGUMENT');
    assert.match(bad.json().error.message, /querystring\/n must be integer/);

    const big = await app.inject({ method: 'POST', url: '/echo', payload: { text: 'more than ten bytes' } });
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().error.code, 'PAYLOAD_TOO_LARGE');
    assert.equal(big.json().error.limitBytes, 10);

    const type = await app.inject({
      method: 'POST',
      url: '/echo',
      payload: 'x',
      headers: { 'content-type': 'application/x-nope' },
    });
    assert.equal(type.statusCode, 415);
    assert.equal(type.json().error.code, 'UNSUPPORTED_MEDIA_TYPE');
    assert.match(type.json().error.message, /application\/x-nope/);

    const json = await app.inject({
      method: 'POST',
      url: '/echo',
      payload: '{"a":',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(json.statusCode, 400);
    assert.equal(json.json().error.code, 'INVALID_ARGUMENT');

    const missing = await app.inject('/nowhere?x=1');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'NOT_FOUND');
    assert.equal(missing.json().error.message, 'no route GET /nowhere');
  });

  it('answers an unknown error with 500 INTERNAL, its message and stack only in the log, once per interval', async () => {
    logged.length = 0;
    for (let i = 0; i < 3; i++) {
      const res = await app.inject('/bug');
      assert.equal(res.statusCode, 500);
      const { error } = res.json();
      assert.equal(error.code, 'INTERNAL');
      assert.doesNotMatch(res.body, /hunter2|secret|at .*\.js/);
    }
    const lines = logged.filter((l) => l.msg !== undefined && String(l.msg).startsWith('request failed'));
    assert.equal(lines.length, 1, 'repeats of the same failure are held back');
    const err = lines[0].err as { message: string; stack: string };
    assert.equal(err.message, 'password=hunter2 in /etc/secret');
    assert.match(err.stack, /errors-http\.test\.js/);
  });

  it('answers as text in a scope that asks for it (Loki: Grafana and logcli show the body)', async () => {
    const parse = await app.inject('/loki/query');
    assert.equal(parse.statusCode, 400);
    assert.equal(parse.headers['content-type'], 'text/plain');
    assert.equal(parse.body, 'parse error at line 1, col 7: syntax error: unexpected $end');
    const busy = await app.inject('/loki/busy');
    assert.equal(busy.statusCode, 429);
    assert.equal(busy.body, 'max concurrent tail requests limit exceeded');
    const bug = await app.inject('/loki/bug');
    assert.equal(bug.statusCode, 500);
    assert.equal(bug.headers['content-type'], 'text/plain');
    assert.doesNotMatch(bug.body, /undefined/);
    const json = await app.inject('/conflict');
    assert.equal(json.statusCode, 409, 'routes outside the scope keep JSON');
    assert.equal(json.json().error.code, 'CONFLICT');
  });
});
