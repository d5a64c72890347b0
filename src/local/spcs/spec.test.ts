// Service specifications as Snowflake users write them (YAML) and as papi sends them (JSON).
import { describe, expect, it } from 'vitest';
import { SqlError } from '../errors.js';
import { parseSpecification } from './spec.js';

describe('parseSpecification', () => {
  it('reads a YAML spec with env, probe and endpoints; ignores fields papi local does not run', () => {
    const spec = parseSpecification(`
spec:
  containers:
  - name: api
    image: /api/data/images/papi:v1
    env:
      PAPI_CACHE_TTL_SECONDS: 180
      DEBUG: true
    readinessProbe:
      port: 8001
      path: /healthz
    resources:
      requests: { memory: 1G, cpu: 0.5 }
  endpoints:
  - name: api
    port: 8001
    public: true
  platformMonitor:
    metricConfig:
      groups: [system]
serviceRoles:
- name: reader
  endpoints: [api]
`);
    expect(spec).toEqual({
      containers: [{ name: 'api', image: '/api/data/images/papi:v1', env: { PAPI_CACHE_TTL_SECONDS: '180', DEBUG: 'true' }, readinessProbe: { port: 8001, path: '/healthz' } }],
      endpoints: [{ name: 'api', port: 8001, public: true, protocol: 'HTTP' }],
    });
  });

  it('reads the JSON papi embeds', () => {
    const spec = parseSpecification(JSON.stringify({ spec: { containers: [{ name: 'a', image: '/d/s/r/i:t', command: ['node'], args: ['x.mjs'] }] } }));
    expect(spec.containers[0]).toMatchObject({ command: ['node'], args: ['x.mjs'] });
    expect(spec.endpoints).toEqual([]);
  });

  it.each([
    ['no spec', 'containers: []', /missing required field "spec"/],
    ['no containers', 'spec: {}', /at least one container/],
    ['bad container name', 'spec: {containers: [{name: My_App, image: /a/b/c/d:1}]}', /not a valid name/],
    ['no image', 'spec: {containers: [{name: app}]}', /image is required/],
    ['duplicate names', 'spec: {containers: [{name: a, image: x}, {name: a, image: y}]}', /duplicate container name "a"/],
    ['bad port', 'spec: {containers: [{name: a, image: x}], endpoints: [{name: e, port: 70000}]}', /port number/],
    ['public TCP', 'spec: {containers: [{name: a, image: x}], endpoints: [{name: e, port: 80, public: true, protocol: TCP}]}', /public endpoint must use HTTP/],
    ['probe path', 'spec: {containers: [{name: a, image: x, readinessProbe: {port: 80, path: healthz}}]}', /must start with/],
    ['env object', 'spec: {containers: [{name: a, image: x, env: {A: {b: 1}}}]}', /must be a string/],
  ])('refuses %s with a SqlError', (_, text, message) => {
    let caught: unknown;
    try {
      parseSpecification(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SqlError);
    expect((caught as SqlError).message).toMatch(message);
  });

  it('refuses text that is not YAML', () => {
    expect(() => parseSpecification('spec: [unclosed')).toThrow(SqlError);
  });
});
