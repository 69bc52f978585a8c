// Spring Cloud Bus's naming rules as Sluice applies them: destinations, their matching against
// bus ids, and the services /monitor derives from changed file names (measured on Spring Cloud
// Config 5.0.x: `catalog-service-local.yaml` → three names, `application.yaml` → `*`).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { destinationFor, destinationMatches, servicesOfPath } from '../../../src/configserver/index.js';

describe('bus destinations', () => {
  it('appends :** to a name with at most one colon, as PathDestinationFactory does', () => {
    assert.equal(destinationFor('orders'), 'orders:**');
    assert.equal(destinationFor('orders:dev'), 'orders:dev:**');
    assert.equal(destinationFor('orders:dev:8080'), 'orders:dev:8080');
    assert.equal(destinationFor('*'), '*:**');
    assert.equal(destinationFor(''), '**');
  });

  it('matches destinations against bus ids as colon-separated Ant paths', () => {
    const id = 'orders:dev:8080:0123abcd';
    assert.ok(destinationMatches('**', id));
    assert.ok(destinationMatches('orders:**', id));
    assert.ok(destinationMatches('*:**', id));
    assert.ok(destinationMatches('orders:dev:**', id));
    assert.ok(destinationMatches('ord*:**', id));
    assert.equal(destinationMatches('payments:**', id), false);
    assert.equal(destinationMatches('orders:prod:**', id), false);
    assert.equal(destinationMatches('orders', id), false);
  });
});

describe("/monitor's service names", () => {
  it('strips the extension, then one -suffix at a time', () => {
    assert.deepEqual(servicesOfPath('catalog-service-local.yaml'), [
      'catalog-service-local',
      'catalog-service',
      'catalog',
    ]);
    assert.deepEqual(servicesOfPath('config/demo-app.yml'), ['demo-app', 'demo']);
    assert.deepEqual(servicesOfPath('orders.properties'), ['orders']);
  });

  it('maps application to every service and skips other application-* names', () => {
    assert.deepEqual(servicesOfPath('application.yaml'), ['*']);
    assert.deepEqual(servicesOfPath('application-dev.yml'), ['*']);
    assert.deepEqual(servicesOfPath('applications.yml'), []);
  });
});
