import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { formatDuration, isKnownMetric, KNOWN_METRICS, RULES } from '../../../../src/metrics/alerts/index.js';
import { repoRoot } from '../../../helpers/repo-root.js';

const deploy = join(repoRoot(), 'deploy');

interface PromRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

test('alerts.yml states the built-in rules: names, expressions, for, severity, annotations', () => {
  const file = parse(readFileSync(join(deploy, 'prometheus', 'alerts.yml'), 'utf8')) as {
    groups: { name: string; rules: PromRule[] }[];
  };
  const rules = file.groups.flatMap((g) => g.rules);
  assert.deepEqual(
    rules.map((r) => r.alert),
    RULES.map((d) => d.alert),
  );
  for (const def of RULES) {
    const rule = rules.find((r) => r.alert === def.alert)!;
    assert.equal(rule.expr, def.expr(def.defaults), def.alert);
    assert.equal(rule.for, formatDuration(def.defaults.for), def.alert);
    assert.deepEqual(rule.labels, { severity: def.defaults.severity }, def.alert);
    assert.deepEqual(rule.annotations, def.annotations, def.alert);
    for (const name of metricNames(rule.expr))
      assert.ok(isKnownMetric(name), `${def.alert}: unknown ${name}`);
  }
});

// promtool comes with Debian's prometheus package; CI installs it, elsewhere its absence skips.
const promtool = spawnSync('promtool', ['--version']).status === 0;
const skip = !promtool && !process.env.CI ? 'promtool not installed (apt-get install prometheus)' : false;

function runPromtool(args: string[], cwd: string) {
  const run = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  assert.equal(run.error, undefined, `promtool ${args.join(' ')}: ${run.error}`);
  assert.equal(run.status, 0, `promtool ${args.join(' ')}:\n${run.stdout}${run.stderr}`);
  return run.stdout + run.stderr;
}

test('promtool check rules / check config accept the Prometheus files', { skip }, () => {
  const dir = join(deploy, 'prometheus');
  assert.match(
    runPromtool(['check', 'rules', 'alerts.yml'], dir),
    new RegExp(`SUCCESS: ${RULES.length} rules found`),
  );
  assert.match(runPromtool(['check', 'config', 'prometheus.yml'], dir), /SUCCESS: 1 rule files found/);
});

test('promtool test rules: lag, broker-down and produce-error alerts fire on synthetic series', {
  skip,
}, () => {
  assert.match(runPromtool(['test', 'rules', 'alerts.test.yml'], join(deploy, 'prometheus')), /SUCCESS/);
});

test('the Grafana dashboard parses and uses only known metrics', () => {
  const dashboard = JSON.parse(readFileSync(join(deploy, 'grafana', 'sluice.json'), 'utf8')) as {
    schemaVersion: number;
    templating: { list: { name: string; type: string; query: unknown }[] };
    panels: { type: string; title: string; targets?: { expr: string }[] }[];
  };
  assert.ok(dashboard.schemaVersion >= 36);
  const ds = dashboard.templating.list.find((v) => v.name === 'datasource');
  assert.deepEqual([ds?.type, ds?.query], ['datasource', 'prometheus']);
  const exprs = [
    ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr }))),
    ...dashboard.templating.list
      .filter((v) => v.type === 'query')
      .map((v) => ({ panel: `$${v.name}`, expr: (v.query as { query: string }).query })),
  ];
  assert.ok(exprs.length > 20);
  const used = new Set<string>();
  for (const { panel, expr } of exprs) {
    const names = metricNames(expr);
    assert.ok(names.length > 0, `${panel}: no metric in ${expr}`);
    for (const name of names) {
      assert.ok(isKnownMetric(name), `${panel}: unknown metric ${name} in ${expr}`);
      used.add(KNOWN_METRICS.has(name) ? name : name.replace(/_(bucket|sum|count)$/, ''));
    }
  }
  for (const wanted of [
    'sluice_request_duration_seconds',
    'kafka_consumergroup_lag_sum',
    'kafka_burrow_status',
  ]) {
    assert.ok(used.has(wanted), `no panel shows ${wanted}`);
  }
});

test('the metric-name extractor finds names and skips functions, labels and keywords', () => {
  assert.deepEqual(
    metricNames(
      'histogram_quantile(0.99, sum by (api, le) (rate(sluice_request_duration_seconds_bucket{job=~"$job", api="Fetch"}[$__rate_interval]))) / on (api) group_left up or vector(0)',
    ),
    ['sluice_request_duration_seconds_bucket', 'up'],
  );
  assert.deepEqual(metricNames('label_values(kafka_consumergroup_lag_sum, consumergroup)'), [
    'kafka_consumergroup_lag_sum',
  ]);
});

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/** Metric names in a PromQL expression: identifiers that are not functions, labels or keywords. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/label_values\(([^,)]+),[^)]*\)/g, 'label_values($1)');
  const names = [...stripped.matchAll(/(?<![\w$.])([A-Za-z_:][\w:]*)(?![\w:])(?!\s*\()/g)].map((m) => m[1]);
  return [...new Set(names.filter((n) => !KEYWORDS.has(n.toLowerCase())))];
}
