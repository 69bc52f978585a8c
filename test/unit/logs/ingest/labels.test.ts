import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatLabelText,
  LabelSyntaxError,
  parseLabelText,
  sanitizeLabelName,
} from '../../../../src/logs/ingest/index.js';

test('Prometheus label text: spaces, escapes, trailing comma, empty set', () => {
  assert.deepEqual(parseLabelText('{job="x", level="info"}'), { job: 'x', level: 'info' });
  assert.deepEqual(parseLabelText(' { a = "q\\"uote\\\\ \\n end" ,b="", } '), {
    a: 'q"uote\\ \n end',
    b: '',
  });
  assert.deepEqual(parseLabelText('{}'), {});
  assert.deepEqual(parseLabelText('{u="\\u00e9"}'), { u: 'é' });
});

test('label text errors say what and where', () => {
  for (const [text, what] of [
    ['job="x"', /expected '\{'/],
    ['{job="x"', /expected ',' or '\}'/],
    ['{job=~"x"}', /expected '='/],
    ['{job!="x"}', /expected '='/],
    ['{1job="x"}', /invalid label name '1job'/],
    ['{job=x}', /expected '"'/],
    ['{job="x}', /unterminated/],
    ['{job="\\q"}', /invalid escape/],
    ['{a="1", a="2"}', /duplicate label name 'a'/],
    ['{a="1"} extra', /unexpected text/],
  ] as const) {
    assert.throws(
      () => parseLabelText(text),
      (e: unknown) => e instanceof LabelSyntaxError && what.test(e.message),
    );
  }
});

test('format then parse gives the labels back; names are sanitised', () => {
  const labels = { service: 'a"b', level: 'info', path: 'c:\\d\ne' };
  assert.deepEqual(parseLabelText(formatLabelText(labels)), labels);
  assert.equal(sanitizeLabelName('k8s.pod-name'), 'k8s_pod_name');
  assert.equal(sanitizeLabelName('1abc'), '_1abc');
});
