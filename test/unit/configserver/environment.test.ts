// The environment a client gets (sources most specific first, secrets decrypted or marked
// invalid as Spring does) and the documents rendered from it (.yml, .json, .properties).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { TextCipher } from '../../../src/configserver/cipher.js';
import { ConfigState } from '../../../src/configserver/config-state.js';
import { buildEnvironment } from '../../../src/configserver/environment.js';
import { renderDocument } from '../../../src/configserver/render.js';

function stateOf(rows: [string, string, string, string][]): ConfigState {
  const state = new ConfigState();
  for (const [offset, [application, profile, key, value]] of rows.entries()) {
    state.apply(offset, { application, profile, label: 'main', key }, { value, author: 't', time: 0 });
  }
  return state;
}

describe('buildEnvironment', () => {
  it('orders sources app-profile, app, application-profile, application; later profiles first', () => {
    const state = stateOf([
      ['application', 'default', 'a', '1'],
      ['application', 'dev', 'a', '2'],
      ['orders', 'default', 'a', '3'],
      ['orders', 'dev', 'a', '4'],
      ['orders', 'east', 'a', '5'],
      ['payments', 'default', 'a', '6'],
    ]);
    const env = buildEnvironment(
      state,
      { name: 'orders', profiles: ['dev', 'east'], label: 'main' },
      undefined,
    );
    assert.deepEqual(
      env.propertySources.map((s) => s.name),
      ['orders-east', 'orders-dev', 'orders', 'application-dev', 'application'],
    );
    assert.deepEqual(env.profiles, ['dev', 'east']);
    assert.equal(env.version, '4', 'the newest version among the sources served');
    assert.equal(env.state, null);
  });

  it('answers an unknown application with the shared sources only, and none when there are none', () => {
    const state = stateOf([['application', 'default', 'a', '1']]);
    const env = buildEnvironment(state, { name: 'nobody', profiles: ['default'], label: 'main' }, undefined);
    assert.deepEqual(env.propertySources, [{ name: 'application', source: { a: '1' } }]);
    const empty = buildEnvironment(
      new ConfigState(),
      { name: 'x', profiles: ['default'], label: 'main' },
      undefined,
    );
    assert.deepEqual(empty.propertySources, []);
    assert.equal(empty.version, null);
  });

  it('decrypts {cipher} values, and marks one it cannot decrypt invalid.<key> as Spring does', () => {
    const cipher = new TextCipher('k');
    const state = stateOf([
      ['orders', 'default', 'db.password', `{cipher}${cipher.encrypt('s3cret')}`],
      ['orders', 'default', 'broken', `{cipher}${new TextCipher('other').encrypt('x')}`],
    ]);
    const env = buildEnvironment(state, { name: 'orders', profiles: ['default'], label: 'main' }, cipher);
    assert.deepEqual(env.propertySources[0]?.source, { 'invalid.broken': '<n/a>', 'db.password': 's3cret' });
  });
});

describe('renderDocument', () => {
  const state = stateOf([
    ['application', 'default', 'servers[0]', 'a'],
    ['application', 'default', 'servers[1]', 'b'],
    ['application', 'default', 'server.port', '8080'],
    ['orders', 'default', 'servers[0]', 'c'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Spring placeholder, resolved when rendered
    ['orders', 'default', 'spring.datasource.url', 'jdbc:h2:mem:${db.name}'],
    ['orders', 'default', 'db.name', 'orders'],
    ['orders', 'default', 'spring.profiles', 'dropped'],
  ]);
  const env = buildEnvironment(state, { name: 'orders', profiles: ['default'], label: 'main' }, undefined);

  it('nests dotted keys and lists (a more specific list replaces the whole list) in YAML and JSON', () => {
    const expected = {
      db: { name: 'orders' },
      server: { port: '8080' },
      servers: ['c'],
      spring: { datasource: { url: 'jdbc:h2:mem:orders' } },
    };
    assert.deepEqual(parse(renderDocument(env, 'yml')), expected);
    assert.deepEqual(JSON.parse(renderDocument(env, 'json')), expected);
  });

  it('leaves placeholders as written when asked (?resolvePlaceholders=false)', () => {
    assert.match(
      renderDocument(env, 'properties', false),
      /^spring\.datasource\.url: jdbc:h2:mem:\$\{db\.name\}$/m,
    );
  });

  it('writes .properties as sorted key: value lines', () => {
    assert.equal(
      renderDocument(env, 'properties'),
      'db.name: orders\nserver.port: 8080\nservers[0]: c\nspring.datasource.url: jdbc:h2:mem:orders',
    );
  });
});
