import { describe, expect, it } from 'vitest';

// .ci/run runs the service's tests a second time on the Node major of the service image
// (templates/Dockerfile's BASE_IMAGE) and says which in PAPI_EXPECT_NODE_MAJOR: this proves they
// really ran there. Under `npm test` it checks the Node papi supports (package.json's engines).
const expected = process.env.PAPI_EXPECT_NODE_MAJOR;
const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];

describe('the Node these tests run on', () => {
  it(expected ? `is the service image's Node ${expected}` : 'is one papi supports (^20.15.0 || >=22.2.0)', () => {
    if (expected) expect(String(major)).toBe(expected);
    else expect((major === 20 && minor >= 15) || (major === 22 && minor >= 2) || major > 22).toBe(true);
  });
});
